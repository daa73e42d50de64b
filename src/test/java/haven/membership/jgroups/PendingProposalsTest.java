package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A proposal on its way to a leader that is replaced ends at once, as failed, instead of at its timeout. */
class PendingProposalsTest {
    private static final Optional<NodeId> N1 = Optional.of(NodeId.of("n1"));
    private static final Optional<NodeId> N2 = Optional.of(NodeId.of("n2"));

    @Test
    void aLeaderChangeFailsTheProposalsMadeUnderTheOldLeaderOnly() {
        PendingProposals p = new PendingProposals();
        CompletableFuture<Object> toN1 = new CompletableFuture<>();
        CompletableFuture<Void> seen = p.track(toN1, N1);
        CompletableFuture<Void> seenLater = p.track(new CompletableFuture<>(), N2);
        p.leaderChanged(N2);
        assertThat(seen).isCompletedExceptionally();
        assertThat(seenLater).isNotDone();
        toN1.complete("late answer"); // the old leader's answer after all: the caller already moved on
        assertThat(seen).isCompletedExceptionally();
        assertThat(p.size()).isEqualTo(1);
    }

    @Test
    void anAnswerEndsTheProposalAsItEndsAndForgetsIt() {
        PendingProposals p = new PendingProposals();
        CompletableFuture<Object> answer = new CompletableFuture<>();
        CompletableFuture<Void> seen = p.track(answer, N1);
        answer.complete("ok");
        assertThat(seen).isCompleted().isNotCompletedExceptionally();
        CompletableFuture<Object> refused = new CompletableFuture<>();
        CompletableFuture<Void> seenRefused = p.track(refused, N1);
        refused.completeExceptionally(new IllegalStateException("timeout"));
        assertThat(seenRefused).isCompletedExceptionally();
        assertThat(p.size()).isZero();
        p.leaderChanged(N2);
        assertThat(seen).isNotCompletedExceptionally();
    }
}
