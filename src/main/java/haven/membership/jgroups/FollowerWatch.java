package haven.membership.jgroups;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The leader's decisions for {@link LaggingFollowerRepair}, from numbers alone: when a follower has been stuck
 * long enough, and from which index to send it entries again. Pure: time is a parameter, the log is a
 * predicate. Keyed by any member type, so the rules are tested without JGroups.
 *
 * <p>Thread safety: one caller (the edge's timer thread).
 */
final class FollowerWatch<K> {
    /** One follower in the leader's commit table. */
    record Progress(long match, long next, long commit) {}

    /**
     * The leader's log: its commit index, its last index, its first index still held (after a snapshot
     * truncated it), and whether it holds an entry.
     */
    record LeaderLog(long commit, long last, long firstAppended, LongPredicate holds) {
        boolean held(long index) {
            return index == 0 || holds.test(index);
        }

        /**
         * The next index to send a follower known to hold everything up to {@code held}: the entry after it,
         * whose request carries {@code held}'s term for the follower to check. When this log no longer holds
         * that entry (a snapshot truncated it), jgroups-raft 1.1.4 sends term 0 instead, the follower refuses,
         * and since the refused index is committed there, it can never back off (the CTS after a Pause:
         * 'resending of N failed; entry not found' on the leader, 'cannot delete entries <= N' on the
         * follower). Then an index below the log's start makes the leader send its snapshot instead.
         */
        long resendFrom(long heldByFollower) {
            return held(heldByFollower) ? heldByFollower + 1 : Math.max(0, firstAppended - 1);
        }
    }

    /** Set the follower's next index to {@code nextIndex}; {@code why} is for the log. */
    record Repair(long nextIndex, String why) {}

    private final long patienceMs;
    private final Map<K, Long> laggingSinceMs = new HashMap<>();
    private final Map<K, Long> uncommittedSinceMs = new HashMap<>();

    FollowerWatch(long patienceMs) {
        this.patienceMs = patienceMs;
    }

    /** Forget followers no longer in the table. */
    void retain(Collection<K> members) {
        laggingSinceMs.keySet().retainAll(members);
        uncommittedSinceMs.keySet().retainAll(members);
    }

    /** Not the leader: every clock starts again with the next leadership. */
    void clear() {
        laggingSinceMs.clear();
        uncommittedSinceMs.clear();
    }

    /**
     * What to do about one follower now. First, a follower that holds the entries but does not commit them:
     * its entries past its commit index were never checked against this leader's log ({@link CommitClamp}
     * holds its commit back), while the leader, counting them as matched, only sends commit notices; sent
     * again after the follower's commit index, they carry the previous index and term it needs to check them.
     * Second, a follower whose match index stays below the log's end although its next index is past it
     * (1.1.4 only ever raises the next index), or whose match index the log no longer holds: it gets the
     * entry after its match index, or the snapshot. Entries in flight for a healthy follower are acknowledged
     * well within the patience and are left alone.
     */
    Optional<Repair> decide(K member, Progress p, LeaderLog log, long nowMs) {
        Optional<Repair> repair = Optional.empty();
        if (p.commit() >= log.commit() || p.match() < log.commit()) {
            uncommittedSinceMs.remove(member);
        } else {
            long since = uncommittedSinceMs.computeIfAbsent(member, m -> nowMs);
            if (nowMs - since >= patienceMs && p.next() > p.commit() + 1) {
                long from = log.resendFrom(p.commit());
                repair = Optional.of(new Repair(from, "has not committed (commit " + p.commit() + ", match " + p.match()
                        + ", leader commit " + log.commit() + "): resending from " + from));
                uncommittedSinceMs.remove(member);
                p = new Progress(p.match(), from, p.commit());
            }
        }
        if (p.match() >= log.last()) {
            laggingSinceMs.remove(member);
            return repair;
        }
        long since = laggingSinceMs.computeIfAbsent(member, m -> nowMs);
        boolean truncatedAway = !log.held(p.match());
        if (nowMs - since >= patienceMs && (p.next() > p.match() + 1 || truncatedAway)) {
            long from = log.resendFrom(p.match());
            laggingSinceMs.put(member, nowMs); // give the resend or the snapshot a patience of its own
            return Optional.of(new Repair(from, "is behind (match " + p.match() + ", next " + p.next() + ", log end " + log.last()
                    + "): " + (truncatedAway ? "sending the snapshot" : "resending from " + from)));
        }
        return repair;
    }
}
