package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.membership.jgroups.PreVote.Outcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreVoteTest {
    @Test
    void aRejoinedCoordinatorThatLearnedTheLeaderDoesNotElect() {
        // ELECTION2 elected here: every answer, its own included, names the leader it had just learned.
        PreVote<String> round = new PreVote<>();
        round.start(List.of("c", "a", "b"));
        assertThat(round.answer("c", Optional.of("b"), 2)).isEqualTo(Outcome.WAITING);
        assertThat(round.answer("a", Optional.of("b"), 2)).isEqualTo(Outcome.WAITING);
        assertThat(round.answer("b", Optional.of("b"), 2)).isEqualTo(Outcome.KEEP_LEADER);
        assertThat(round.running()).isFalse();
    }

    @Test
    void aLeaderThatIsNotInTheViewIsElectedPast() {
        PreVote<String> round = new PreVote<>();
        round.start(List.of("a", "c"));
        assertThat(round.answer("a", Optional.of("b"), 2)).isEqualTo(Outcome.WAITING);
        assertThat(round.answer("c", Optional.of("b"), 2)).isEqualTo(Outcome.ELECT);
    }

    @Test
    void aLeaderThatNoLongerSaysItLeadsIsElectedPast() {
        PreVote<String> round = new PreVote<>();
        round.start(List.of("a", "b", "c"));
        round.answer("a", Optional.of("b"), 2);
        round.answer("c", Optional.empty(), 2);
        assertThat(round.answer("b", Optional.empty(), 2)).isEqualTo(Outcome.ELECT);
    }

    @Test
    void noDecisionBeforeEveryMemberAnsweredNorFromStrangersOrAfterAStop() {
        PreVote<String> round = new PreVote<>();
        round.start(List.of("a", "b", "c"));
        assertThat(round.answer("x", Optional.of("x"), 2)).isEqualTo(Outcome.WAITING);
        round.answer("a", Optional.empty(), 2);
        round.answer("b", Optional.empty(), 2);
        round.stop();
        assertThat(round.answer("c", Optional.empty(), 2)).isEqualTo(Outcome.WAITING);
    }

    @Test
    void fewerAnswersThanAMajorityOfVotersElectNobody() {
        assertThat(PreVote.decide(java.util.Map.of("a", Optional.<String>empty()), 2)).isEqualTo(Outcome.WAITING);
    }
}
