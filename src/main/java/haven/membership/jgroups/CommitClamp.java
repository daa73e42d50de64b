package haven.membership.jgroups;

import java.lang.reflect.Field;
import org.jgroups.Message;
import org.jgroups.ObjectMessage;
import org.jgroups.protocols.raft.AppendEntriesRequest;
import org.jgroups.protocols.raft.AppendEntriesResponse;
import org.jgroups.protocols.raft.AppendResult;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;

/**
 * Sits just below RAFT and keeps a follower from committing log entries it has not checked against the
 * leader's log. jgroups-raft 1.1.4 lets a follower commit up to the leader's commit index on any request,
 * including the empty commit messages, which carry no previous index and term to check. A node that led in
 * an old term (frozen, or cut off, while it appended entries nobody else took) then commits its own
 * divergent entries when the new leader's commit message arrives: its copy of the cluster state departs from
 * everyone else's and its log can never be repaired ("cannot delete entries <= N as commit_index is higher").
 * The Cluster Test System found this after SIGSTOP/SIGCONT of the coordinator (3 of 30 Pause steps).
 *
 * <p>The rule is Raft's own: a follower commits no further than the last entry known to match the leader,
 * which is its own commit index or the end of the entries a request of the current term sent after a
 * previous entry that matched. Requests that claim more have their commit index lowered; the follower
 * learns the rest with the next request, as Raft intends. Requests of an older term pass unchanged (RAFT
 * drops them).
 *
 * <p>The same knowledge bounds what the follower claims to hold. 1.1.4 answers a commit notice, a request for
 * entries it already committed, and a request whose previous entry it lacks, with its last appended index,
 * checked or not, and the leader takes that as the follower's match index and counts it toward a majority.
 * A follower with a divergent tail from an old term would be counted as holding the leader's entries at
 * those indices (an entry committed by too few), and the leader would never send it the entries that
 * replace the tail. Answers going down therefore claim no more than the verified index (see
 * {@link #claimable}): the leader sends from the entry after it, with the previous index and term to check.
 *
 * <p>Thread safety: JGroups may deliver on several threads; the fields are guarded by this object.
 */
final class CommitClamp extends Protocol {
    private static final System.Logger LOG = System.getLogger("haven.membership");
    private static final Field PREV_INDEX = field("prev_log_index");
    private static final Field PREV_TERM = field("prev_log_term");
    private static final Field LEADER_COMMIT = field("leader_commit");
    private static final Field RESPONSE_RESULT = field(AppendEntriesResponse.class, "result");
    private static final Field RESULT_INDEX = field(AppendResult.class, "index");
    private static final Field RESULT_KIND = field(AppendResult.class, "result");

    private final RAFT raft;
    private long term = -1;
    /** In {@link #term}: the highest index at which this node's log is known to equal the leader's. */
    private long verified = 0;
    private long clamped = 0;
    private long lowered = 0;

    CommitClamp(RAFT raft) {
        this.raft = raft;
    }

    @Override
    public Object up(Message msg) {
        check(msg);
        return up_prot.up(msg);
    }

    @Override
    public void up(MessageBatch batch) {
        for (Message msg : batch) check(msg);
        up_prot.up(batch);
    }

    @Override
    public Object down(Message msg) {
        if (msg.getHeader(raft.getId()) instanceof AppendEntriesResponse rsp) {
            try {
                limitClaim(rsp);
            } catch (IllegalAccessException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "commit clamp (answer): " + e);
            }
        }
        return down_prot.down(msg);
    }

    private synchronized void limitClaim(AppendEntriesResponse rsp) throws IllegalAccessException {
        if (!(RESPONSE_RESULT.get(rsp) instanceof AppendResult result)) return;
        long commit = raft.commitIndex();
        // Verified entries are only known for the term of the requests seen; in another, only the commit is.
        long known = rsp.currTerm() == term ? Math.max(verified, commit) : commit;
        long claimed = RESULT_INDEX.getLong(result);
        long allowed = claimable((AppendResult.Result) RESULT_KIND.get(result), claimed, known);
        if (allowed != claimed) {
            RESULT_INDEX.setLong(result, allowed);
            if (lowered++ % 100 == 0) {
                LOG.log(System.Logger.Level.INFO, "commit clamp: answer's index " + claimed + " lowered to " + allowed
                        + " (entries past " + known + " are not yet checked against the leader's log; " + lowered + " so far)");
            }
        }
    }

    /**
     * The index a follower's answer may carry when {@code verified} is the last index known to equal the
     * leader's log: the leader takes an OK or entry-not-found answer's index as the follower's match index,
     * and a conflicting-term answer's index minus one.
     */
    static long claimable(AppendResult.Result kind, long claimed, long verified) {
        if (kind == null) return claimed;
        return switch (kind) {
            case OK, FAIL_ENTRY_NOT_FOUND -> Math.min(claimed, verified);
            case FAIL_CONFLICTING_PREV_TERM -> Math.min(claimed, verified + 1);
        };
    }

    private void check(Message msg) {
        if (!(msg.getHeader(raft.getId()) instanceof AppendEntriesRequest req)) return;
        try {
            clamp(msg, req);
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "commit clamp: " + e);
        }
    }

    private synchronized void clamp(Message msg, AppendEntriesRequest req) throws IllegalAccessException {
        long reqTerm = req.currTerm();
        if (reqTerm < raft.currentTerm()) return;
        long commit = raft.commitIndex();
        if (reqTerm != term) {
            term = reqTerm;
            verified = commit;
        }
        verified = Math.max(verified, commit);
        int count = msg instanceof ObjectMessage om && om.getObject() instanceof LogEntries entries ? entries.size() : 0;
        long prev = PREV_INDEX.getLong(req);
        if (count > 0 && prev + 1 > commit && matches(prev, PREV_TERM.getLong(req))) {
            verified = Math.max(verified, prev + count);
        }
        long leaderCommit = LEADER_COMMIT.getLong(req);
        if (leaderCommit > verified) {
            LEADER_COMMIT.setLong(req, verified);
            if (clamped++ % 100 == 0) {
                LOG.log(System.Logger.Level.INFO, "commit clamp: leader commit " + leaderCommit + " lowered to " + verified
                        + " (entries past it are not yet checked against the leader's log; " + clamped + " so far)");
            }
        }
    }

    /** Whether this node's entry at {@code index} is the leader's: same index and term means the same prefix. */
    private boolean matches(long index, long leaderTerm) {
        if (index == 0 || index <= verified) return true;
        LogEntry e = raft.log().get(index);
        return e != null && e.term() == leaderTerm;
    }

    private static Field field(String name) {
        return field(AppendEntriesRequest.class, name);
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("jgroups-raft's " + type.getSimpleName() + " has no field " + name
                    + ": CommitClamp is written for jgroups-raft 1.1.4; check it against the version in pom.xml", e);
        }
    }
}
