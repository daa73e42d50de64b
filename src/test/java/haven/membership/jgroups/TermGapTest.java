package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.membership.jgroups.TermGap.Action;
import org.junit.jupiter.api.Test;

class TermGapTest {
    @Test
    void aLeaderlessNodeReportsOnlyWhenItsTermIsAheadOfTheLeaders() {
        assertThat(TermGap.reportAhead(9, 7, false)).isTrue();
        assertThat(TermGap.reportAhead(7, 7, false)).as("same term: RAFT takes the leader").isFalse();
        assertThat(TermGap.reportAhead(5, 7, false)).as("behind: RAFT moves up to the leader's term").isFalse();
        assertThat(TermGap.reportAhead(9, 7, true)).as("a node with a leader is not stuck").isFalse();
        assertThat(TermGap.reportAhead(9, 0, false)).as("term 0 is RAFT's step-down, never a leader's").isFalse();
    }

    @Test
    void theCoordinatorWithAMajorityMovesUpToANewerTermAndElects() {
        assertThat(new TermGap().onNotice(9, 7, true, true, true, false, 0)).isEqualTo(Action.ADOPT_AND_ELECT);
        assertThat(new TermGap().onNotice(9, 7, true, true, false, false, 0)).isEqualTo(Action.ADOPT_AND_ELECT);
    }

    @Test
    void theCoordinatorAlreadyAheadElectsOnlyWithoutALeader() {
        assertThat(new TermGap().onNotice(9, 9, true, true, false, false, 0))
                .as("the coordinator is the node ahead (it notices itself)").isEqualTo(Action.ELECT);
        assertThat(new TermGap().onNotice(9, 10, true, true, true, false, 0))
                .as("its leader's term is newer: the member takes its next append").isEqualTo(Action.NONE);
    }

    @Test
    void onlyTheViewCoordinatorWithAMajorityAndNoElectionRunningActs() {
        assertThat(new TermGap().onNotice(9, 7, false, true, true, false, 0)).isEqualTo(Action.NONE);
        assertThat(new TermGap().onNotice(9, 7, true, false, true, false, 0)).isEqualTo(Action.NONE);
        assertThat(new TermGap().onNotice(9, 7, true, true, true, true, 0)).isEqualTo(Action.NONE);
        assertThat(new TermGap().onNotice(0, 7, true, true, false, false, 0)).isEqualTo(Action.NONE);
    }

    @Test
    void repeatedNoticesForceAtMostOneElectionPerGap() {
        TermGap gap = new TermGap();
        assertThat(gap.onNotice(9, 7, true, true, true, false, 1_000)).isEqualTo(Action.ADOPT_AND_ELECT);
        assertThat(gap.onNotice(9, 9, true, true, false, false, 1_000 + TermGap.MIN_ELECTION_GAP_MS - 1)).isEqualTo(Action.NONE);
        assertThat(gap.onNotice(9, 9, true, true, false, false, 1_000 + TermGap.MIN_ELECTION_GAP_MS)).isEqualTo(Action.ELECT);
    }
}
