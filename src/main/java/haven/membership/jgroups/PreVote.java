package haven.membership.jgroups;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One pre-vote round of {@link SteadyElection}: the view coordinator asks every member of its view which
 * leader it follows, and starts an election only when no member of the view answers that it leads itself.
 * Pure: members are any type, so the rule is tested without JGroups.
 *
 * <p>Why not ELECTION2's rule: jgroups-raft 1.1.4 counts an answer that names the same leader as the
 * coordinator's own as a vote to elect ("the leader is outdated"). After a heal the merged view's coordinator
 * is often the node that was cut off; by the time the answers are in, it has learned the healthy leader from
 * that leader's "leader elected" message, every answer names that leader, and ELECTION2 elects anyway. The
 * voting then picks the first member of the view among those with the longest log, which is the rejoined
 * coordinator itself when nothing was committed meanwhile: the lab saw the coordinator move to the rejoined
 * node in 2 of 10 heals, with 10 ms without one. A leader that is in the view and says it leads is healthy
 * (a leader steps down as soon as its own view loses the voters' majority), so there is nothing to elect.
 *
 * <p>Thread safety: one round at a time, guarded by this object (answers come on JGroups' delivery threads).
 */
final class PreVote<A> {
    /** What a finished round decided. */
    enum Outcome { WAITING, ELECT, KEEP_LEADER }

    private Set<A> awaited = Set.of();
    private final Map<A, Optional<A>> answers = new HashMap<>();
    private boolean running;

    /** Starts a round that waits for every one of {@code members} (the view, this node included). */
    synchronized void start(Collection<A> members) {
        awaited = new HashSet<>(members);
        answers.clear();
        running = true;
    }

    synchronized void stop() {
        running = false;
        answers.clear();
    }

    synchronized boolean running() {
        return running;
    }

    /**
     * One member's answer: the leader it follows, empty for none. Returns the round's outcome once every
     * awaited member answered (the round is then over), {@link Outcome#WAITING} before.
     */
    synchronized Outcome answer(A from, Optional<A> leader, int majority) {
        if (!running || !awaited.contains(from)) return Outcome.WAITING;
        answers.put(from, leader);
        if (!answers.keySet().containsAll(awaited)) return Outcome.WAITING;
        Outcome outcome = decide(answers, majority);
        stop();
        return outcome;
    }

    /**
     * The rule: keep the leader when some member answered that it leads itself; elect otherwise, and only
     * with answers from at least {@code majority} members (fewer cannot elect anyway).
     */
    static <A> Outcome decide(Map<A, Optional<A>> answers, int majority) {
        for (Map.Entry<A, Optional<A>> e : answers.entrySet()) {
            if (e.getValue().isPresent() && e.getValue().get().equals(e.getKey())) return Outcome.KEEP_LEADER;
        }
        return answers.size() >= majority ? Outcome.ELECT : Outcome.WAITING;
    }
}
