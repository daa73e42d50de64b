package haven.membership.jgroups;

/**
 * Decides what to do when one member's Raft term is ahead of the leader's. Pure: terms, roles and time come in
 * as parameters.
 *
 * <p>Why it is needed: jgroups-raft 1.1.4 drops, without any answer, every request whose term is older than the
 * receiver's. Raft proper answers with the newer term, and the leader steps down so that the next election
 * runs past it; 1.1.4 has no such answer, so a member whose term got ahead (it ran election rounds the others
 * never saw, typically as the last of a majority while the cluster shut down) drops the leader's appends, its
 * "leader elected" message and its term beside the beats, forever. The CTS found it after SimulStart: n3 never
 * learned a coordinator, and the leader logged "follower n3 is behind (match 0 ...)" for a minute.
 *
 * <p>The repair is Raft's own rule, carried by a message of haven's: the member that drops a leader's term
 * as too old says its own term ({@link #reportAhead}); the view coordinator, which runs jgroups-raft's
 * elections, moves its term up to it (giving up its leadership if it had one) and starts an election, whose
 * new term every member accepts ({@link #onNotice}). Moving a term up is always safe in Raft; it only costs an
 * election.
 *
 * <p>Thread safety: {@link #onNotice} is called from JGroups delivery threads; it is synchronized.
 */
final class TermGap {
    /** An election takes a vote timeout or two; one forced election per this much is plenty. */
    static final long MIN_ELECTION_GAP_MS = 2_000;

    enum Action {
        /** Nothing to do here. */
        NONE,
        /** Move this node's term up to the notice's (leaving any leadership), then start an election. */
        ADOPT_AND_ELECT,
        /** This node's term is already at least the notice's, but it has no leader: start an election. */
        ELECT
    }

    private long lastElectionMs;
    private boolean elected;

    /**
     * On a node that received the leader's term beside its beats: whether to tell the others its own term,
     * because it is ahead and the node will never accept this leader.
     */
    static boolean reportAhead(long ownTerm, long leaderTerm, boolean hasLeader) {
        return !hasLeader && leaderTerm >= 1 && leaderTerm < ownTerm;
    }

    /**
     * On any node that hears a member's notice of term {@code noticeTerm}; only the view coordinator, with a
     * majority of voters in its view, acts, and at most once per {@link #MIN_ELECTION_GAP_MS}.
     */
    synchronized Action onNotice(long noticeTerm, long ownTerm, boolean viewCoordinator, boolean majorityInView,
            boolean hasLeader, boolean electionRunning, long nowMs) {
        if (!viewCoordinator || !majorityInView || electionRunning || noticeTerm < 1) return Action.NONE;
        Action action;
        if (noticeTerm > ownTerm) {
            action = Action.ADOPT_AND_ELECT;
        } else if (!hasLeader) {
            action = Action.ELECT;
        } else {
            return Action.NONE; // the leader's term is at least the notice's: the member accepts its next append
        }
        if (elected && nowMs - lastElectionMs < MIN_ELECTION_GAP_MS) return Action.NONE;
        elected = true;
        lastElectionMs = nowMs;
        return action;
    }
}
