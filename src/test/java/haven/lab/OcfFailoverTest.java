package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A group made only of unmodified ClusterLabs agents, ocf:heartbeat:IPaddr2 and ocf:heartbeat:nginx, on
 * three real haven nodes in namespaces: power loss of the active node brings the service back on another
 * node, never on two at once. Needs root, nginx, resource-agents and a built daemon.
 */
@Tag("lab")
class OcfFailoverTest {
    private static final String PREFIX = SharedLab.prefix("tocf");
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration BACK_WITHIN = Duration.ofSeconds(30);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3).withOcfAgents());

    @Test
    void powerLossOfTheActiveNodeBringsTheOcfGroupBackOnAnotherNodeWithNeverTwoHolders() throws Exception {
        String config = Files.readString(LabState.find(PREFIX).orElseThrow().config());
        assertThat(config).contains("type: ocf:heartbeat:IPaddr2").contains("type: ocf:heartbeat:nginx")
                .doesNotContain("type: ipaddr").doesNotContain("type: process");
        try (WatchedLab watched = WatchedLab.settle(lab.get())) {
            List<Integer> holders = watched.watch.holders();
            assertThat(holders).as("VIP holders").hasSize(1);
            int victim = holders.get(0);
            String victimName = lab.layout().nodeName(victim);
            ProbeResult back = watched.awaitBack(watched.faults.kill(victim), BACK_WITHIN);
            assertThat(back.detail()).startsWith("served by ").isNotEqualTo("served by " + victimName);
            assertThat(watched.watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
            assertThat(watched.watch.holders()).hasSize(1).doesNotContain(victim);
            assertThat(watched.watch.splitBrainNanos()).isZero();
            System.out.printf("ocf group back after power loss of %s: %s%n", victimName, back);
            // The agents' own words reach the daemon log, tagged with resource and action.
            assertThat(lab.cluster().logTails(400)).contains("[site start]");
        }
    }
}
