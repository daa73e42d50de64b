package haven.cib;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An open barrier: who has arrived (participant to the ticket of its call) and who is expected, either
 * by name ({@code expectedParticipants}) or only by number. {@code round} numbers barriers cluster-wide,
 * so a barrier reused under the same name after it finished is a new one. {@code deadlineEpochMs} is the
 * latest deadline of its callers, by their nodes' clocks: a barrier left open well past it (every waiter's
 * node stopped) is expired by the next application command, so none stays open for ever.
 */
public record Barrier(String name, long round, int expectedCount, SortedSet<String> expectedParticipants,
        SortedMap<String, Long> arrived, long deadlineEpochMs) {

    public Barrier {
        expectedParticipants = Collections.unmodifiableSortedSet(new TreeSet<>(expectedParticipants));
        arrived = Collections.unmodifiableSortedMap(new TreeMap<>(arrived));
    }

    static Barrier first(long round, Command.BarrierArrive a) {
        return new Barrier(a.barrier(), round, a.expectedCount(), new TreeSet<>(a.expectedParticipants()),
                new TreeMap<>(), a.atEpochMs() + a.timeoutMs()).plus(a);
    }

    /** Why this arrival cannot join, or null if it can. */
    String refusal(Command.BarrierArrive a) {
        if (a.expectedCount() != expectedCount || !expectedParticipants.equals(new TreeSet<>(a.expectedParticipants()))) {
            return "barrier " + name + " (round " + round + ") is open expecting " + expectedText()
                    + "; this call expected " + (a.expectedParticipants().isEmpty() ? a.expectedCount() + " participants"
                    : a.expectedParticipants()) + ": every participant must pass the same expected";
        }
        if (arrived.containsKey(a.participant())) {
            return "participant " + a.participant() + " already waits at barrier " + name + " (round " + round
                    + "); each participant arrives once per round";
        }
        return null;
    }

    Barrier plus(Command.BarrierArrive a) {
        TreeMap<String, Long> next = new TreeMap<>(arrived);
        next.put(a.participant(), a.ticket());
        return new Barrier(name, round, expectedCount, expectedParticipants, next,
                Math.max(deadlineEpochMs, a.atEpochMs() + a.timeoutMs()));
    }

    boolean complete() {
        return arrived.size() >= expectedCount;
    }

    /** The expected participants that have not arrived (empty when only a number is expected). */
    public SortedSet<String> missing() {
        TreeSet<String> m = new TreeSet<>(expectedParticipants);
        m.removeAll(arrived.keySet());
        return m;
    }

    public String expectedText() {
        return expectedParticipants.isEmpty() ? expectedCount + " participants" : String.valueOf(expectedParticipants);
    }
}
