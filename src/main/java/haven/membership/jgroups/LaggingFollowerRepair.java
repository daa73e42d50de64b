package haven.membership.jgroups;

import haven.core.Ticker;
import java.util.List;
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
 * are acknowledged well within that time and are left alone. The rules are {@link FollowerWatch}'s; this
 * class reads and writes RAFT's commit table.
 *
 * <p>A follower whose term is ahead of the leader's drops everything the leader sends, so no next index
 * helps it: {@link TermCatchUp} handles that one.
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
    private final Ticker ticker;
    private final FollowerWatch<Address> watch = new FollowerWatch<>(PATIENCE_MS);

    /** {@code followers}: the view's members other than this node. */
    LaggingFollowerRepair(Supplier<RAFT> raft, Supplier<List<Address>> followers, Ticker ticker) {
        this.raft = raft;
        this.followers = followers;
        this.ticker = ticker;
    }

    void run() {
        try {
            RAFT r = raft.get();
            if (r == null || !r.isLeader()) {
                watch.clear();
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
            long now = ticker.nowMs();
            watch.retain(table.keys());
            FollowerWatch.LeaderLog log = new FollowerWatch.LeaderLog(r.commitIndex(), last, r.log().firstAppended(),
                    index -> r.log().get(index) != null);
            table.forEach((member, entry) -> watch.decide(member,
                    new FollowerWatch.Progress(entry.matchIndex(), entry.nextIndex(), entry.commitIndex()), log, now)
                    .ifPresent(repair -> {
                        LOG.log(System.Logger.Level.INFO, "follower " + member + " " + repair.why());
                        entry.nextIndex(repair.nextIndex());
                    }));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "follower repair: " + e);
        }
    }
}
