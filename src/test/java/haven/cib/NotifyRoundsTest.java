package haven.cib;

import static haven.cib.ClusterStateTest.A;
import static haven.cib.ClusterStateTest.B;
import static haven.cib.ClusterStateTest.C;
import static haven.cib.ClusterStateTest.WEB;
import static haven.cib.ClusterStateTest.applyEach;
import static haven.cib.ClusterStateTest.assign;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import haven.core.Operation;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Notification rounds in the cluster state: one open at a time per group, closed by answers, losses and timeouts. */
class NotifyRoundsTest {
    private static final ClusterState THREE_INSTANCES = applyEach(ClusterState.EMPTY,
            new Command.SetInstances(WEB, new TreeSet<>(List.of(A, B, C))), assign(WEB, A));

    private static Command open(NodeId subject, long key, Operation op) {
        return new Command.NotifyOpen(WEB, key, true, op, subject, new TreeSet<>(List.of(A, B, C)), Optional.empty());
    }

    private static NotifyRound round(ClusterState s) {
        return s.group(WEB).round().orElseThrow();
    }

    @Test
    void aRoundAwaitsEveryOtherInstanceAndClosesWhenAllAnswered() {
        ClusterState s = applyEach(THREE_INSTANCES, open(A, 7, Operation.PROMOTE));
        assertThat(round(s).awaiting()).as("the subject tells its own instance without a word in the log").containsExactly(B, C);
        assertThat(round(s).is(A, 7)).isTrue();
        s = applyEach(s, new Command.NotifyDone(WEB, A, 7, B));
        assertThat(round(s).open()).isTrue();
        s = applyEach(s, new Command.NotifyDone(WEB, A, 7, C));
        assertThat(round(s).open()).isFalse();
        assertThat(round(s).is(A, 7)).as("a closed round stays, so its subject sees it was opened").isTrue();
    }

    @Test
    void aSecondRoundWaitsForTheFirstToClose() {
        ClusterState s = applyEach(THREE_INSTANCES, open(A, 7, Operation.PROMOTE), open(B, 9, Operation.START));
        assertThat(round(s).subject()).isEqualTo(A);
        s = applyEach(s, new Command.NotifyClose(WEB, A, 7), open(B, 9, Operation.START));
        assertThat(round(s).is(B, 9)).isTrue();
        assertThat(round(s).open()).isTrue();
    }

    @Test
    void answersMatchSubjectAndKeyBecauseKeysAreOnlyEachNodesOwn() {
        ClusterState s = applyEach(THREE_INSTANCES, open(A, 7, Operation.PROMOTE));
        s = applyEach(s, new Command.NotifyDone(WEB, B, 7, C), new Command.NotifyDone(WEB, A, 6, C), new Command.NotifyClose(WEB, B, 7));
        assertThat(round(s).awaiting()).containsExactly(B, C);
    }

    @Test
    void aLostNodeAndATakenOffInstanceAreAwaitedNoLonger() {
        ClusterState s = applyEach(THREE_INSTANCES, open(A, 7, Operation.STOP));
        s = applyEach(s, new Command.NodeLost(C));
        assertThat(round(s).awaiting()).containsExactly(B);
        s = applyEach(s, new Command.SetInstances(WEB, new TreeSet<>(List.of(A))));
        assertThat(round(s).open()).isFalse();
    }

    @Test
    void aRoundWithNoOtherInstanceIsClosedAtOnce() {
        ClusterState s = applyEach(ClusterState.EMPTY, new Command.SetInstances(WEB, new TreeSet<>(List.of(A))),
                new Command.NotifyOpen(WEB, 3, true, Operation.START, A, new TreeSet<>(), Optional.empty()));
        assertThat(round(s).open()).isFalse();
        assertThat(round(s).is(A, 3)).isTrue();
    }
}
