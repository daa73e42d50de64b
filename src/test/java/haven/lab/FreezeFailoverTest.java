package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes, the lab fence device and no_quorum_policy freeze: a holder cut off from the majority keeps its
 * services (no lease-driven stop), and the majority starts them only after powering it off. Needs root, nginx
 * and a built daemon.
 */
@Tag("lab")
class FreezeFailoverTest {
    private static final String PREFIX = SharedLab.prefix("tfrz");
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration WITHIN = Duration.ofSeconds(40);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3).withFencing().withFreeze());

    @Test
    void anIsolatedHolderKeepsItsServicesUntilTheMajorityHasFencedItThenTheyMove() {
        try (WatchedLab watched = WatchedLab.settle(lab.get())) {
            List<Integer> holders = watched.watch.holders();
            assertThat(holders).hasSize(1);
            int victim = holders.get(0);
            Faults.Injected isolate = watched.faults.isolate(victim);
            // Longer than the lease and its margin: under stop the guard would have removed the VIP by now.
            Pids.sleep(1_500);
            if (lab.cluster().pid(victim).isPresent()) {
                assertThat(watched.watch.holders()).as("frozen, not stopped\n%s", lab.cluster().logTails(20)).containsExactly(victim);
            }
            Optional<ProbeResult> back = watched.prober.awaitGoodAnswer(isolate.effectiveNanos(), WITHIN);
            assertThat(back).as("service back after %s\n%s", isolate.description(), lab.cluster().logTails(30)).isPresent();
            assertThat(back.get().detail()).isNotEqualTo("served by " + lab.layout().nodeName(victim));
            assertThat(lab.cluster().pid(victim)).as("the isolated holder was fenced off").isEmpty();
            assertThat(watched.watch.splitBrainNanos()).as("never two holders").isZero();
        }
    }
}
