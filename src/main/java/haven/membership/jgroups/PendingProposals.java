package haven.membership.jgroups;

import haven.core.NodeId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proposals in flight, each with the leader that was known when it was made. A follower's proposal travels to the
 * leader and its answer comes back from there; when the leader changes, the answer will not come (the old leader
 * is gone or no longer leads), and waiting for the proposal's timeout held everything the node proposes after it
 * (one proposal at a time) for 3 s: in the lab, a notification round right at a leader's death took 3.4 s instead of
 * 0.9. So a leader change fails them at once, and the node proposes again. Such a proposal may still commit (the
 * old leader may have replicated it before it died): what nodes propose is idempotent where it matters
 * (`ClusterState` skips a failure or fencing record it already holds).
 *
 * <p>Thread safety: proposals come from the daemon's effect thread, leader changes from the leader watch's timer.
 */
final class PendingProposals {
    /** The proposal's outcome as its caller sees it, with the leader at the time it was made. */
    private final Map<CompletableFuture<Void>, Optional<NodeId>> pending = new ConcurrentHashMap<>();

    /** {@code answer}: the proposal's own outcome; the returned future ends with it, or earlier at a leader change. */
    CompletableFuture<Void> track(CompletableFuture<?> answer, Optional<NodeId> leader) {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        pending.put(seen, leader);
        answer.whenComplete((ok, err) -> {
            pending.remove(seen);
            if (err != null) seen.completeExceptionally(err);
            else seen.complete(null);
        });
        return seen;
    }

    /** A new leader (or none): proposals made under another one end now, as failed. */
    void leaderChanged(Optional<NodeId> now) {
        pending.forEach((seen, leader) -> {
            if (!leader.equals(now) && pending.remove(seen) != null) {
                seen.completeExceptionally(new IllegalStateException("the leader changed from " + leader.map(NodeId::name).orElse("none")
                        + " to " + now.map(NodeId::name).orElse("none") + " while the proposal was on its way; it may or may not commit"));
            }
        });
    }

    int size() {
        return pending.size();
    }
}
