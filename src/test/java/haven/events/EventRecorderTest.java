package haven.events;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.core.AgentResult;
import haven.core.Operation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventRecorderTest {
    private final EventRecorder recorder = new EventRecorder(N1, () -> 1_700_000_000_000L, 64);

    private List<String> all() {
        return ((EventRing.Read.Events) recorder.ring().after(0, 100)).events().stream()
                .map(e -> e.seq() + " " + e.type()).toList();
    }

    @Test
    void theStreamStartsWithTheDaemonAndNamesNodeAndStartTime() {
        recorder.observe(status(ClusterState.EMPTY));
        assertThat(recorder.stream()).isEqualTo("n1-" + Long.toString(1_700_000_000_000L, 36));
        assertThat(all()).containsExactly("1 daemon-started");
    }

    @Test
    void aGroupPlacedOnAnotherNodeCountsAsAFailoverButItsFirstPlacementDoesNot() {
        ClusterState s0 = ClusterState.EMPTY;
        ClusterState s1 = s0.apply(List.of(new Command.Assign(WEB, Optional.of(N2), "t")));
        ClusterState s2 = s1.apply(List.of(new Command.NodeLost(N2)));
        ClusterState s3 = s2.apply(List.of(new Command.Assign(WEB, Optional.of(N3), "t")));
        for (ClusterState s : List.of(s0, s1, s2, s3)) recorder.observe(status(s));
        assertThat(recorder.failovers()).isEqualTo(1);
    }

    @Test
    void startsAndStopsAreEventsButHealthyMonitorsOnlyCounters() {
        recorder.operationDone(SITE, Operation.START, AgentResult.ok(), 120);
        recorder.operationDone(SITE, Operation.MONITOR, AgentResult.ok(), 5);
        recorder.operationDone(SITE, Operation.MONITOR, AgentResult.failed("connection refused"), 7);
        assertThat(all()).containsExactly("1 operation", "2 operation");
        ClusterEvent failed = ((EventRing.Read.Events) recorder.ring().after(1, 1)).events().get(0);
        assertThat(failed.text()).isEqualTo("monitor site: failed in 7 ms (connection refused)");
        assertThat(failed.fields()).containsEntry("duration_ms", 7L).containsEntry("result", "failed");
        assertThat(recorder.operations().snapshot()).hasSize(3);
    }

    @Test
    void aReplicaLeavingTheInSyncSetSaysWhatAFailoverWouldNowLose() {
        recorder.inSyncChanged(new haven.core.InSyncChange("data", "n3", false, List.of("n2"), 4));
        recorder.inSyncChanged(new haven.core.InSyncChange("data", "n2", false, List.of(), 5));
        recorder.inSyncChanged(new haven.core.InSyncChange("data", "n3", true, List.of("n3"), 5));
        List<ClusterEvent> got = ((EventRing.Read.Events) recorder.ring().after(0, 10)).events();
        assertThat(got).extracting(ClusterEvent::type).containsOnly("replication");
        assertThat(got.get(0).text()).isEqualTo("replicated data: n3 left the in-sync set (in sync: n2; sync epoch 4)");
        assertThat(got.get(1).text()).contains("no replica in sync: a failover now loses what is written from here on");
        assertThat(got.get(2).fields()).containsEntry("change", "joined").containsEntry("in_sync", List.of("n3")).containsEntry("epoch", 5L);
    }
}
