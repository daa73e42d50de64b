package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import org.jgroups.protocols.raft.AppendResult.Result;
import org.junit.jupiter.api.Test;

class CommitClampTest {
    @Test
    void anAnswerClaimsNoMoreThanTheEntriesCheckedAgainstTheLeader() {
        // a follower that committed 200 and holds an unchecked tail to 210 answers a commit notice
        assertThat(CommitClamp.claimable(Result.OK, 210, 200)).isEqualTo(200);
        assertThat(CommitClamp.claimable(Result.FAIL_ENTRY_NOT_FOUND, 210, 200)).isEqualTo(200);
        // the leader takes a conflicting answer's index minus one as the match
        assertThat(CommitClamp.claimable(Result.FAIL_CONFLICTING_PREV_TERM, 210, 200)).isEqualTo(201);
    }

    @Test
    void checkedAnswersPassUnchanged() {
        assertThat(CommitClamp.claimable(Result.OK, 205, 205)).isEqualTo(205);
        assertThat(CommitClamp.claimable(Result.OK, 190, 205)).isEqualTo(190);
        assertThat(CommitClamp.claimable(Result.FAIL_CONFLICTING_PREV_TERM, 203, 205)).isEqualTo(203);
        assertThat(CommitClamp.claimable(null, 205, 0)).isEqualTo(205);
    }
}
