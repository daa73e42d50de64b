package haven.membership.jgroups;

import haven.core.Ticker;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.protocols.raft.election.BaseElection;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.util.NameCache;

/**
 * The edge half of {@link TermGap}: reads RAFT's term, leader and role, sends this node's term when it is ahead
 * of the leader's, and on the view coordinator moves the term up and starts jgroups-raft's election.
 *
 * <p>Thread safety: called from JGroups delivery threads; RAFT's term and leader are RAFT's own synchronized
 * state, and the election thread is ELECTION2's to start (a second start while it runs is a no-op).
 */
final class TermCatchUp {
    private static final System.Logger LOG = System.getLogger("haven.membership");

    private final Supplier<RAFT> raft;
    private final Supplier<BaseElection> election;
    private final Supplier<View> view;
    private final Supplier<Address> self;
    private final LongConsumer sendOwnTerm;
    private final Ticker ticker;
    private final TermGap gap = new TermGap();

    /** {@code sendOwnTerm}: multicasts this node's term to the view (an unreliable notice is enough: it repeats). */
    TermCatchUp(Supplier<RAFT> raft, Supplier<BaseElection> election, Supplier<View> view, Supplier<Address> self,
            LongConsumer sendOwnTerm, Ticker ticker) {
        this.raft = raft;
        this.election = election;
        this.view = view;
        this.self = self;
        this.sendOwnTerm = sendOwnTerm;
        this.ticker = ticker;
    }

    /** The leader's term, heard beside its beats and refused by RAFT as older than this node's. */
    void leaderTermRefused(Address leader, long leaderTerm) {
        RAFT r = raft.get();
        if (r == null) return;
        long own = r.currentTerm();
        if (!TermGap.reportAhead(own, leaderTerm, r.leader() != null)) return;
        LOG.log(System.Logger.Level.INFO, "the leader " + leader + " is in term " + leaderTerm + ", behind this node's term " + own
                + ": it never will be followed here; telling the view coordinator so that it elects past term " + own);
        sendOwnTerm.accept(own);
        noticed(self.get(), own); // this node may be the coordinator itself; notices are not looped back
    }

    /** A member's notice that its term is {@code term} and ahead of the leader's. */
    void noticed(Address from, long term) {
        try {
            act(from, term);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "term catch-up: " + e);
        }
    }

    private void act(Address from, long term) {
        RAFT r = raft.get();
        BaseElection e = election.get();
        View v = view.get();
        Address me = self.get();
        if (r == null || e == null || v == null || me == null || !v.containsMember(from)) return;
        long votersInView = r.members().stream().filter(m -> v.getMembers().stream().anyMatch(a -> m.equals(NameCache.get(a)))).count();
        TermGap.Action action = gap.onNotice(term, r.currentTerm(), me.equals(v.getCoord()), votersInView >= r.majority(),
                r.leader() != null, e.isVotingThreadRunning(), ticker.nowMs());
        switch (action) {
            case NONE -> { }
            case ADOPT_AND_ELECT -> {
                LOG.log(System.Logger.Level.INFO, "member " + from + " is in term " + term + ", ahead of this node's " + r.currentTerm()
                        + (r.isLeader() ? " (leader: stepping down)" : "") + ": moving up to it and starting an election");
                r.setLeaderAndTerm(null, term);
                e.startVotingThread();
            }
            case ELECT -> {
                LOG.log(System.Logger.Level.INFO, "no leader in term " + r.currentTerm() + " (member " + from + " is in term " + term
                        + "): starting an election");
                e.startVotingThread();
            }
        }
    }
}
