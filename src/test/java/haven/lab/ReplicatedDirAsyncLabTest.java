package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replicated directory in async mode, where an fsync does not wait for the replicas: what a power loss of the
 * primary loses must be within what the primary's status said a failover would lose, asked of its API just before
 * the fault. The lab's upload service writes 4 KB records through the layer; a writer in the client namespace
 * uploads them without pause while the primary is powered off three times. Read from the nodes' disks: the uploads
 * acknowledged before the status was asked and missing on the new primary hold no more data than the status's
 * {@code would_lose_bytes}; no record on the new primary is torn; and every lost one is kept aside on the old primary
 * once it follows again, never silently dropped.
 */
@Tag("lab")
class ReplicatedDirAsyncLabTest {
    private static final String PREFIX = SharedLab.prefix("trda");
    @RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3).withReplicationNet();
    @RegisterExtension
    static final SharedLab SHARED = new SharedLab(LAYOUT).beforeStart(s -> ReplicatedFiles.addTo(s, LAYOUT, "async"));
    private static final int FAILOVERS = 3;
    private static final int RECORD_BYTES = 4096;
    private static Lab lab;
    private static ReplicatedFiles files;
    private static AtMostOneWatch watch;

    @BeforeAll
    static void up() {
        lab = SHARED.get();
        files = new ReplicatedFiles(lab);
        watch = AtMostOneWatch.start("primaries", files::primaries);
    }

    @AfterAll
    static void down() {
        if (watch != null) watch.close();
    }

    @Test
    void aFailoverLosesNoMoreThanTheStatusSaidAndKeepsTheLostAside() throws Exception {
        Faults faults = new Faults(lab);
        int primary = files.awaitPrimary(-1, Duration.ofSeconds(60));
        try (AckedWriter writer = files.startWriter()) {
            writer.awaitAcked(20, WITHIN);
            for (int n = 1; n <= FAILOVERS; n++) {
                for (int i : others(primary)) files.awaitReplicaInStep(i, primary, WITHIN);
                writer.awaitAcked(writer.acked().size() + 10, WITHIN);
                long askedAt = System.currentTimeMillis();
                long wouldLose = Long.parseLong(files.replicationStatus(primary, "would_lose_bytes", WITHIN));
                watch.poweredOff.add(primary);
                Faults.Injected kill = faults.kill(primary);
                long faultAt = System.currentTimeMillis();
                int next = files.awaitPrimary(primary, WITHIN);
                writer.awaitAcked(writer.acked().size() + 10, WITHIN);

                Map<Long, Long> acked = writer.acked();
                List<Long> lostBefore = new ArrayList<>(), lostAfter = new ArrayList<>();
                for (String missing : files.missingOn(next, acked.keySet())) {
                    long record = Long.parseLong(missing.substring("record-".length(), missing.indexOf(' ')));
                    (acked.get(record) <= askedAt ? lostBefore : lostAfter).add(record);
                }
                System.out.printf("%s: failover %d: %s %d ms after the status said a failover would lose %d bytes; %s primary;"
                        + " lost %d uploads acknowledged before that answer and %d after; outage %d ms%n", PREFIX, n,
                        kill.description(), faultAt - askedAt, wouldLose, LAYOUT.nodeName(next), lostBefore.size(), lostAfter.size(),
                        writer.outageAround(faultAt));
                assertThat(wouldLose).as("both replicas were in sync before the fault").isGreaterThanOrEqualTo(0);
                assertThat((long) lostBefore.size() * RECORD_BYTES).as("data of uploads lost that were acknowledged before the"
                        + " status answered %d bytes: %s", wouldLose, lostBefore).isLessThanOrEqualTo(wouldLose);
                assertThat(files.tornOn(next)).as("torn records on the new primary %s", LAYOUT.nodeName(next)).isEmpty();

                faults.heal(primary);
                watch.poweredOff.remove(primary);
                files.awaitReplicaInStep(primary, next, WITHIN);
                Set<Long> lost = new TreeSet<>(lostBefore);
                lost.addAll(lostAfter);
                assertThat(files.keptAsideOn(primary)).as("lost uploads kept aside on the old primary %s", LAYOUT.nodeName(primary))
                        .containsAll(lost);
                primary = next;
            }
            writer.stop();
        }
        assertThat(watch.most()).as("nodes with the layer mounted at the same moment, at most: %s", watch.errors()).isEqualTo(1);
        assertThat(watch.errors()).isEmpty();
    }

    private static List<Integer> others(int node) {
        return LAYOUT.nodesBut(node);
    }
}
