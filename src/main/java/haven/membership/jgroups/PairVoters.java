package haven.membership.jgroups;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jgroups.protocols.raft.election.BaseElection;
import org.jgroups.protocols.raft.RAFT;

/**
 * The cluster log's voters in {@code two_node} mode. The log commits with a majority of its voters, and of
 * two that is both, so once the node has fenced its peer it must carry on as the only voter.
 *
 * <p>Why shrinking the voter list locally is safe here, when Raft's own membership change (an entry
 * committed by the old majority) is impossible: the peer is confirmed powered off, so it can neither vote
 * nor commit; when it boots again it still lists both voters and cannot win an election without this
 * node's vote, which Raft refuses to a log that is behind. The peer comes back as a voter through an
 * ordinary committed membership entry ({@code addServer}), proposed by this node while it leads, and only once
 * the node's quorum is both nodes again ({@link #peerRejoined}: the peer's beats are heard). Adding it back on its
 * view alone would make the log need both nodes while the node still counted itself a quorum of one.
 *
 * <p>Thread safety: {@link #continueAlone} runs on the daemon's effect thread, {@link #restore} on the edge's
 * timer; both only call RAFT's own thread-safe entry points, and {@code pending} is touched by the timer only.
 */
final class PairVoters {
    private static final System.Logger LOG = System.getLogger("haven.membership");

    private final String self;
    private final List<String> configured;
    private final Supplier<RAFT> raft;
    private final Supplier<BaseElection> election;
    private CompletableFuture<byte[]> pending = CompletableFuture.completedFuture(null);
    /** False from {@link #continueAlone} until {@link #peerRejoined}: no voter is added back meanwhile. */
    private volatile boolean mayRestore = true;

    PairVoters(String self, List<String> configured, Supplier<RAFT> raft, Supplier<BaseElection> election) {
        this.self = self;
        this.configured = List.copyOf(configured);
        this.raft = raft;
        this.election = election;
    }

    /** The peer is confirmed off: this node becomes the log's only voter and stands for election alone. */
    void continueAlone() {
        RAFT r = raft.get();
        if (r == null) return;
        mayRestore = false;
        LOG.log(System.Logger.Level.INFO, "two_node: the peer is fenced; " + self + " is the cluster log's only voter (was " + r.members() + ")");
        r.members(List.of(self));
        BaseElection e = election.get();
        if (e != null && !r.isLeader()) e.startVotingThread();
    }

    /** The node's quorum is both nodes again: the peer may be added back as a voter. */
    void peerRejoined() {
        mayRestore = true;
    }

    /**
     * While this node leads with fewer voters than configured, adds back a configured voter that is in
     * the view again, one at a time, through a committed entry.
     */
    void restore(List<String> inView) {
        try {
            restoreOne(inView);
        } catch (RuntimeException e) {
            // The timer must survive: a thrown task would never run again.
            LOG.log(System.Logger.Level.WARNING, "two_node: voter restore: " + e);
        }
    }

    private void restoreOne(List<String> inView) {
        RAFT r = raft.get();
        if (r == null || !mayRestore || !r.isLeader() || !pending.isDone()) return;
        List<String> voters = r.members();
        for (String name : configured) {
            if (!voters.contains(name) && inView.contains(name)) {
                try {
                    LOG.log(System.Logger.Level.INFO, "two_node: " + name + " is back; adding it to the cluster log's voters " + voters);
                    pending = r.addServer(name).orTimeout(5, java.util.concurrent.TimeUnit.SECONDS)
                            .whenComplete((ok, err) -> {
                                if (err != null) LOG.log(System.Logger.Level.WARNING, "two_node: adding " + name + " back failed: " + err);
                            });
                } catch (Exception ex) {
                    LOG.log(System.Logger.Level.WARNING, "two_node: cannot add " + name + " back yet: " + ex);
                }
                return;
            }
        }
    }
}
