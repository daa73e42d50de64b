package haven.node;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.Command;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of {@link Outbox}: one batch in flight, reports once per generation, retries after failures. */
class OutboxTest {
    static final NodeId SELF = NodeId.of("n2");
    static final GroupId WEB = GroupId.of("web");
    static final GroupId DB = GroupId.of("db");
    static final Command.ResourceFailed FAILURE = new Command.ResourceFailed(ResourceId.of("site"), SELF, 42, "monitor: failed");

    @Test
    void startedIsQueuedOncePerGeneration() {
        Outbox o = new Outbox(SELF);
        o.started(WEB, 3);
        o.started(WEB, 3);
        o.started(DB, 3);
        assertThat(o.propose(0).entry()).containsExactly(new Command.Started(WEB, SELF, 3), new Command.Started(DB, SELF, 3));
        o.done(1, true, 0);
        o.started(WEB, 3);
        assertThat(o.hasPending()).as("already committed for this generation").isFalse();
        o.started(WEB, 4);
        assertThat(o.hasPending()).as("a new generation is a new report").isTrue();
    }

    @Test
    void releasedIsQueuedOncePerGeneration() {
        Outbox o = new Outbox(SELF);
        o.released(WEB, 5);
        o.released(WEB, 5);
        assertThat(o.propose(0).entry()).containsExactly(new Command.Released(WEB, SELF, 5));
        o.done(1, true, 0);
        o.released(WEB, 5);
        assertThat(o.hasPending()).isFalse();
    }

    @Test
    void failedProposalForgetsItsReportsSoTheyAreDerivedAgain() {
        Outbox o = new Outbox(SELF);
        o.started(WEB, 3);
        o.released(DB, 2);
        Effect.Propose p = o.propose(10);
        assertThat(o.done(p.proposalId(), false, 1000)).isTrue();
        assertThat(o.hasPending()).as("nothing is resent blindly: the reconciler derives reports again").isFalse();
        o.started(WEB, 3);
        o.released(DB, 2);
        assertThat(o.hasPending()).isTrue();
        assertThat(o.propose(10).entry()).containsExactly(new Command.Started(WEB, SELF, 3), new Command.Released(DB, SELF, 2));
    }

    @Test
    void failureRecordIsProposedOnceEvenIfItsProposalFails() {
        // An uncertain proposal may have committed; a second copy would count the failure twice.
        Outbox o = new Outbox(SELF);
        o.failed(FAILURE);
        Effect.Propose p = o.propose(0);
        assertThat(p.entry()).containsExactly(FAILURE);
        o.done(p.proposalId(), false, 0);
        assertThat(o.hasPending()).isFalse();
    }

    @Test
    void coordinatorCommandsAreProposedWithTheReportsInOneBatch() {
        Outbox o = new Outbox(SELF);
        o.failed(FAILURE);
        o.add(List.of(new Command.NodeLost(NodeId.of("n1"))));
        assertThat(o.propose(0).entry()).containsExactly(FAILURE, new Command.NodeLost(NodeId.of("n1")));
        assertThat(o.hasPending()).isFalse();
    }

    @Test
    void onlyOneProposalIsInFlightAtATime() {
        Outbox o = new Outbox(SELF);
        assertThat(o.idle(0, 0)).isTrue();
        o.started(WEB, 1);
        Effect.Propose p = o.propose(0);
        assertThat(o.idle(0, 5)).isFalse();
        o.started(DB, 1);
        assertThat(o.idle(1000, 5)).as("still in flight").isFalse();
        o.done(p.proposalId(), true, 1000);
        assertThat(o.idle(1000, 5)).isTrue();
    }

    @Test
    void afterACommittedProposalTheOutboxWaitsForANewerState() {
        // Planning again from the state the proposal was made from would plan the same commands twice.
        Outbox o = new Outbox(SELF);
        o.started(WEB, 1);
        Effect.Propose p = o.propose(7);
        o.done(p.proposalId(), true, 0);
        assertThat(o.idle(0, 7)).isFalse();
        assertThat(o.idle(0, 8)).isTrue();
    }

    @Test
    void afterAFailedProposalTheOutboxWaitsTheRetryTimeButNotForANewerState() {
        Outbox o = new Outbox(SELF);
        o.started(WEB, 1);
        Effect.Propose p = o.propose(7);
        o.done(p.proposalId(), false, 1000);
        assertThat(o.idle(1000 + Outbox.RETRY_MS - 1, 7)).isFalse();
        assertThat(o.idle(1000 + Outbox.RETRY_MS, 7)).isTrue();
    }

    @Test
    void staleCompletionIsIgnored() {
        Outbox o = new Outbox(SELF);
        o.started(WEB, 1);
        Effect.Propose first = o.propose(0);
        o.done(first.proposalId(), true, 0);
        o.started(DB, 1);
        Effect.Propose second = o.propose(1);
        assertThat(second.proposalId()).isNotEqualTo(first.proposalId());
        assertThat(o.done(first.proposalId(), false, 0)).isFalse();
        assertThat(o.idle(0, 2)).as("the second proposal is still in flight").isFalse();
        // The stale failure must not have made the committed report of the first proposal derivable again.
        o.started(WEB, 1);
        assertThat(o.hasPending()).isFalse();
    }
}
