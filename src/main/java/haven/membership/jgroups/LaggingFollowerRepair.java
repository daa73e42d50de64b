package haven.membership.jgroups;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.raft.util.CommitTable;

/**
 * Works around two jgroups-raft 1.1.4 defects that stop a restarted node from ever catching up. First, a
 * node that rejoins while the leader stays in office may be missing from the leader's commit table, so it
 * is never sent anything: it is added back. Second, when a
 * follower answers "entry not found" with its shorter log, the leader's commit table keeps
 * {@code next_index = max(old, new)}, so it never moves back and the leader keeps sending entries the
 * follower cannot take. In the lab this left a restarted node behind for good, and the cluster unable to
 * commit anything once the one in-sync follower died.
 *
 * <p>Third, a follower that holds entries it has not checked against this leader's log (after a restart, or
 * after it led in an old term) does not commit them ({@link CommitClamp}), while the leader, counting them
 * as matched, only sends it commit notices: a follower whose commit index stays behind the leader's while
 * its match index is not gets {@code next_index = its commit index + 1}, and the resent entries carry the
 * previous index and term it needs to check them.
 *
 * <p>On the leader, a follower whose match index has stayed below the leader's log end for longer than
 * {@link #PATIENCE_MS} gets {@code next_index = match_index + 1}, the value Raft itself would back off to;
 * the leader's own resend path then sends it the missing range. Entries in flight for a healthy follower
 * are acknowledged well within that time and are left alone.
 *
 * <p>Thread safety: runs on the edge's timer thread; the commit table's entries are plain fields that the
 * RAFT thread also writes. A lost or late write only means one more repair round, never a wrong commit:
 * next_index decides what is sent, not what counts as replicated.
 */
final class LaggingFollowerRepair {
    static final long PATIENCE_MS = 300;
    private static final System.Logger LOG = System.getLogger("haven.membership");

    private final Supplier<RAFT> raft;
    private final Supplier<List<Address>> followers;
    private final Map<Address, Long> laggingSinceMs = new HashMap<>();
    private final Map<Address, Long> uncommittedSinceMs = new HashMap<>();

    /** {@code followers}: the view's members other than this node. */
    LaggingFollowerRepair(Supplier<RAFT> raft, Supplier<List<Address>> followers) {
        this.raft = raft;
        this.followers = followers;
    }

    void run() {
        try {
            RAFT r = raft.get();
            if (r == null || !r.isLeader()) {
                laggingSinceMs.clear();
                uncommittedSinceMs.clear();
                return;
            }
            CommitTable table = r.commitTable();
            if (table == null) return;
            long last = r.lastAppended();
            List<Address> inView = followers.get();
            if (!table.keys().containsAll(inView)) {
                // A follower that rejoins while the same leader stays in office is not always added back to
                // the leader's table (seen in the lab): it would never be sent another entry.
                LOG.log(System.Logger.Level.INFO, "adding rejoined followers to the commit table: " + inView);
                table.adjust(inView, last);
            }
            long now = System.nanoTime() / 1_000_000L;
            laggingSinceMs.keySet().retainAll(table.keys());
            uncommittedSinceMs.keySet().retainAll(table.keys());
            long commit = r.commitIndex();
            table.forEach((member, entry) -> {
                // A follower that holds the entries but will not commit them: its entries past its commit index
                // were never checked against this leader's log (CommitClamp holds its commit back), and the
                // leader, believing them matched, only sends commit notices. Sending them again after the
                // follower's commit index lets it check them.
                if (entry.commitIndex() >= commit || entry.matchIndex() < commit) {
                    uncommittedSinceMs.remove(member);
                } else {
                    long since = uncommittedSinceMs.computeIfAbsent(member, m -> now);
                    if (now - since >= PATIENCE_MS && entry.nextIndex() > entry.commitIndex() + 1) {
                        LOG.log(System.Logger.Level.INFO, "follower " + member + " has not committed (commit " + entry.commitIndex()
                                + ", match " + entry.matchIndex() + ", leader commit " + commit + "): resending from " + (entry.commitIndex() + 1));
                        entry.nextIndex(resendFrom(r, entry.commitIndex()));
                        uncommittedSinceMs.remove(member);
                    }
                }
                if (entry.matchIndex() >= last) {
                    laggingSinceMs.remove(member);
                    return;
                }
                long since = laggingSinceMs.computeIfAbsent(member, m -> now);
                boolean truncatedAway = !heldInLog(r, entry.matchIndex());
                if (now - since >= PATIENCE_MS && (entry.nextIndex() > entry.matchIndex() + 1 || truncatedAway)) {
                    long from = resendFrom(r, entry.matchIndex());
                    LOG.log(System.Logger.Level.INFO, "follower " + member + " is behind (match " + entry.matchIndex()
                            + ", next " + entry.nextIndex() + ", log end " + last + "): "
                            + (truncatedAway ? "sending the snapshot" : "resending from " + from));
                    entry.nextIndex(from);
                    laggingSinceMs.put(member, now); // give the resend or the snapshot a patience of its own
                }
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "follower repair: " + e);
        }
    }

    /**
     * The next index to send a follower known to hold everything up to {@code held}: the entry after it, whose
     * request carries {@code held}'s term for the follower to check. When this leader's log no longer holds
     * that entry (a snapshot truncated it), jgroups-raft 1.1.4 sends term 0 instead, the follower refuses,
     * and since the refused index is committed there, it can never back off (seen in the CTS after a Pause:
     * 'resending of N failed; entry not found' on the leader, 'cannot delete entries <= N' on the follower).
     * Then an index below the log's start makes the leader send its snapshot instead.
     */
    private static long resendFrom(RAFT r, long held) {
        return heldInLog(r, held) ? held + 1 : Math.max(0, r.log().firstAppended() - 1);
    }

    private static boolean heldInLog(RAFT r, long index) {
        return index == 0 || r.log().get(index) != null;
    }
}
