package haven.node;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.core.GroupId;
import haven.core.NodeId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PairQuorumTest {
    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");
    static final long DELAY = 5_000;
    static final ClusterState WEB_ON_N1 = ClusterState.EMPTY.apply(List.of(new Command.Assign(GroupId.of("web"), Optional.of(N1), "test")));
    static final Optional<Integer> NO_PING_ANSWER_YET = Optional.empty();

    private static PairQuorum paired(NodeId self, boolean ping) {
        PairQuorum q = new PairQuorum(self, self.equals(N1) ? N2 : N1, DELAY, ping);
        q.viewChanged(List.of(N1, N2), true, 0);
        return q;
    }

    @Test
    void aNodeBootingAloneNeverRacesAPeerItHasNotSeen() {
        PairQuorum q = new PairQuorum(N1, N2, DELAY, false);
        q.viewChanged(List.of(N1), false, 0);
        assertThat(q.phase()).isEqualTo(PairQuorum.Phase.PAIRED);
        assertThat(q.holdsWithoutLease(NO_PING_ANSWER_YET)).isFalse();
        assertThat(q.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 100_000)).isEmpty();
        assertThat(q.majority()).isEqualTo(2);
    }

    @Test
    void theNodeThatRunsTheServicesFencesAtOnceAndTheOtherAfterThePriorityDelay() {
        PairQuorum holder = paired(N1, false);
        PairQuorum passive = paired(N2, false);
        holder.viewChanged(List.of(N1), false, 1_000);
        passive.viewChanged(List.of(N2), false, 1_000);
        assertThat(holder.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 1_000)).isPresent();
        assertThat(passive.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 1_000 + DELAY - 1)).isEmpty();
        assertThat(passive.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 1_000 + DELAY)).get().asString().contains("priority delay");
        // One fencing at a time.
        assertThat(holder.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 2_000)).isEmpty();
    }

    @Test
    void aPeerWhoseStopIsStuckIsFencedWithoutThePriorityDelayUntilItWasFencedOnce() {
        ClusterState stuck = WEB_ON_N1.apply(List.of(new Command.ResourceFailed(haven.core.ResourceId.of("site"), N1, 500,
                "stop: timeout; forcing off failed", haven.cib.FailureScope.STUCK)));
        PairQuorum passive = paired(N2, false);
        passive.viewChanged(List.of(N2), false, 1_000);
        assertThat(passive.fenceDue(stuck, NO_PING_ANSWER_YET, 1_000)).as("it is fencing itself: no race to lose").isPresent();

        // Fenced, rebooted, running the group again: the stuck stop is history.
        ClusterState fencedSince = stuck.apply(List.of(new Command.Fenced(N1, N2, 900, true, "off")))
                .apply(List.of(new Command.Assign(GroupId.of("web"), Optional.of(N1), "test")));
        PairQuorum later = paired(N2, false);
        later.viewChanged(List.of(N2), false, 1_000);
        assertThat(later.fenceDue(fencedSince, NO_PING_ANSWER_YET, 1_000)).as("an old stuck stop, fenced since, counts no more")
                .isEmpty();
    }

    @Test
    void confirmedFencingMakesTheSurvivorTheWholeQuorumUntilThePeerIsBackAndHeard() {
        PairQuorum q = paired(N1, false);
        q.viewChanged(List.of(N1), false, 1_000);
        assertThat(q.holdsWithoutLease(NO_PING_ANSWER_YET)).isTrue();
        q.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 1_000);
        assertThat(q.fenceDone(true, 2_000)).isTrue();
        assertThat(q.phase()).isEqualTo(PairQuorum.Phase.ALONE);
        assertThat(q.majority()).isEqualTo(1);
        q.peerHeard(9_500); // a stray beat before the peer is in the view changes nothing
        assertThat(q.majority()).isEqualTo(1);
        q.viewChanged(List.of(N1, N2), true, 9_000);
        assertThat(q.majority()).isEqualTo(1);
        q.peerHeard(1_990); // a beat from before the fencing proves nothing about the peer now
        assertThat(q.majority()).isEqualTo(1);
        q.peerHeard(9_500);
        assertThat(q.phase()).isEqualTo(PairQuorum.Phase.PAIRED);
        assertThat(q.majority()).isEqualTo(2);
    }

    @Test
    void aFencingConfirmedAfterThePeerRejoinedStillLeavesThisNodeAlone() {
        PairQuorum q = paired(N2, false);
        q.viewChanged(List.of(N2), false, 1_000);
        assertThat(q.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 1_000 + DELAY)).isPresent();
        q.viewChanged(List.of(N1, N2), true, 1_000 + DELAY + 100); // the peer rebooted and rejoined meanwhile
        assertThat(q.phase()).isEqualTo(PairQuorum.Phase.PAIRED);
        assertThat(q.fenceDone(true, 1_000 + DELAY + 600)).isTrue();
        assertThat(q.phase()).isEqualTo(PairQuorum.Phase.ALONE);
        assertThat(q.fenceDone(true, 1_000 + DELAY + 700)).isFalse(); // once is enough
    }

    @Test
    void failedFencingIsRetriedAndNeverGrantsTheQuorum() {
        PairQuorum q = paired(N1, false);
        q.viewChanged(List.of(N1), false, 1_000);
        q.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 1_000);
        assertThat(q.fenceDone(false, 2_000)).isFalse();
        assertThat(q.majority()).isEqualTo(2);
        assertThat(q.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 2_000 + FenceDuty.RETRY_MS - 1)).isEmpty();
        assertThat(q.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 2_000 + FenceDuty.RETRY_MS)).isPresent();
    }

    @Test
    void aLinkThatHealsBeforeAnyoneIsFencedEndsTheRace() {
        PairQuorum q = paired(N2, false);
        q.viewChanged(List.of(N2), false, 1_000);
        assertThat(q.phase()).isEqualTo(PairQuorum.Phase.RACING);
        q.viewChanged(List.of(N1, N2), true, 2_000);
        assertThat(q.phase()).isEqualTo(PairQuorum.Phase.PAIRED);
        assertThat(q.fenceDue(WEB_ON_N1, NO_PING_ANSWER_YET, 100_000)).isEmpty();
    }

    @Test
    void aNodeThatReachesNoPingNodeBlamesItsOwnUplinkFencesNoOneAndGivesUpWhatItRuns() {
        PairQuorum q = paired(N1, true);
        q.viewChanged(List.of(N1), false, 1_000);
        long pingWait = 4_000; // 3 lost echoes a second apart, and the echo in flight
        assertThat(q.fenceDue(WEB_ON_N1, Optional.of(0), 1_000 + pingWait)).isEmpty();
        assertThat(q.holdsWithoutLease(Optional.of(0))).isFalse();
        assertThat(q.holdsWithoutLease(Optional.of(1))).isTrue();
        // Even the node running the services waits for the ping monitor: its uplink may be what failed.
        assertThat(q.fenceDue(WEB_ON_N1, Optional.of(1), 1_000 + pingWait - 1)).isEmpty();
        assertThat(q.fenceDue(WEB_ON_N1, Optional.of(1), 1_000 + pingWait)).isPresent();
    }

    @Test
    void withPingNodesThePassiveNodeWaitsThePingTimeAndThePriorityDelay() {
        PairQuorum passive = paired(N2, true);
        passive.viewChanged(List.of(N2), false, 1_000);
        assertThat(passive.fenceDue(WEB_ON_N1, Optional.of(1), 1_000 + 4_000 + DELAY - 1)).isEmpty();
        assertThat(passive.fenceDue(WEB_ON_N1, Optional.of(1), 1_000 + 4_000 + DELAY)).isPresent();
    }
}
