package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replicated directory in sync mode on three real nodes, replicated over the lab's second network: the lab's
 * upload service (src/main/c/lab/upload-server.c: temp file, fsync, rename, directory fsync, then 201) serves from
 * it behind its own address, and a writer in the client namespace uploads numbered 4 KB records through that address
 * without pause while the primary is powered off five times. Read from outside, from the nodes' disks themselves:
 * every record the writer was told was stored is on the last primary, whole, and on the replicas once they caught
 * up; never two nodes with the layer mounted at once. Each failover's outage, as the writer saw it, is printed.
 */
@Tag("lab")
class ReplicatedDirLabTest {
    private static final String PREFIX = SharedLab.prefix("trdr");
    @RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3).withReplicationNet();
    private static final int FAILOVERS = 5;
    private static Lab lab;
    private static ReplicatedFiles files;
    private static AtMostOneWatch watch;

    @BeforeAll
    static void up() {
        Lab.down(PREFIX); // a previous run killed midway
        lab = Lab.up(LAYOUT, Lab.UP_TIMEOUT, line -> { }, s -> ReplicatedFiles.addTo(s, LAYOUT, "sync"));
        files = new ReplicatedFiles(lab);
        watch = AtMostOneWatch.start("primaries", files::primaries);
    }

    @AfterAll
    static void down() throws IOException {
        if (watch != null) watch.close();
        Lab.down(PREFIX);
        assertThat(LabNetwork.anyPartExists(PREFIX)).isFalse();
    }

    @Test
    void everyAcknowledgedUploadSurvivesFivePowerLossesOfThePrimary() throws Exception {
        Faults faults = new Faults(lab);
        int primary = files.awaitPrimary(-1, Duration.ofSeconds(60));
        try (UploadWriter writer = files.startWriter()) {
            writer.awaitAcked(20, WITHIN);
            for (int n = 1; n <= FAILOVERS; n++) {
                watch.poweredOff.add(primary);
                long before = writer.acked().size();
                Faults.Injected kill = faults.kill(primary);
                long faultWallMs = System.currentTimeMillis();
                int next = files.awaitPrimary(primary, WITHIN);
                writer.awaitAcked(before + 20, WITHIN);
                System.out.printf("%s: failover %d: %s; %s primary; uploads refused or unanswered for %d ms%n", PREFIX, n,
                        kill.description(), LAYOUT.nodeName(next), writer.outageAround(faultWallMs));
                faults.heal(primary);
                watch.poweredOff.remove(primary);
                files.awaitReplicaInStep(primary, next, WITHIN);
                primary = next;
            }
            writer.stop();
            Map<Long, Long> acked = writer.acked();
            assertThat(acked).hasSizeGreaterThan(100);
            for (int i = 1; i <= 3; i++) {
                assertThat(files.missingOn(i, acked.keySet())).as("acknowledged uploads on %s", LAYOUT.nodeName(i)).isEmpty();
            }
            System.out.printf("%s: %d uploads acknowledged, every one present and whole on all three nodes%n", PREFIX, acked.size());
        }
        assertThat(watch.most()).as("nodes with the layer mounted at the same moment, at most: %s", watch.errors()).isEqualTo(1);
        assertThat(watch.errors()).isEmpty();
    }
}
