package haven.cib;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a barrier round ended, or why one call was refused (then {@code round} is 0 and {@code arrived} holds
 * only that call). Callers find theirs by the ticket of their arrival. {@code missing} names the absent
 * participants when they were expected by name; with only a number expected, {@code missingCount} says how many.
 */
public record BarrierOutcome(String name, long round, Result result, SortedMap<String, Long> arrived,
        SortedSet<String> missing, int missingCount, long atEpochMs, String detail) {

    public enum Result { COMPLETED, TIMED_OUT, REFUSED }

    public BarrierOutcome {
        arrived = Collections.unmodifiableSortedMap(new TreeMap<>(arrived));
        missing = Collections.unmodifiableSortedSet(new TreeSet<>(missing));
    }

    static BarrierOutcome ended(Barrier b, Result result, long atEpochMs, String detail) {
        return new BarrierOutcome(b.name(), b.round(), result, b.arrived(), b.missing(),
                Math.max(0, b.expectedCount() - b.arrived().size()), atEpochMs, detail);
    }

    static BarrierOutcome refused(Command.BarrierArrive a, String why) {
        return new BarrierOutcome(a.barrier(), 0, Result.REFUSED, new TreeMap<>(java.util.Map.of(a.participant(), a.ticket())),
                new TreeSet<>(), 0, a.atEpochMs(), why);
    }

    public boolean holds(long ticket) {
        return arrived.containsValue(ticket);
    }
}
