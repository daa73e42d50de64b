package haven.events;

import haven.core.ResourceId;
import haven.core.AgentResult;
import haven.core.Operation;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of the agent operations this node ran, by resource, operation and result, with their total
 * duration: what /metrics reports as counters. Bounded by the configured resources times the few
 * operations and results. Thread safety: synchronized; agent threads record, HTTP threads read.
 */
public final class OperationStats {
    /** One counter cell. */
    public record Key(String resource, String op, String result) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return (resource + "\0" + op + "\0" + result).compareTo(o.resource + "\0" + o.op + "\0" + o.result);
        }
    }

    /** How many, and how long they took in all. */
    public record Totals(long count, long durationMs) {}

    private final TreeMap<Key, Totals> totals = new TreeMap<>();

    public synchronized void record(ResourceId resource, Operation op, AgentResult.Status result, long durationMs) {
        Key k = new Key(resource.name(), op.name().toLowerCase(java.util.Locale.ROOT), result.name().toLowerCase(java.util.Locale.ROOT));
        Totals t = totals.getOrDefault(k, new Totals(0, 0));
        totals.put(k, new Totals(t.count() + 1, t.durationMs() + Math.max(0, durationMs)));
    }

    public synchronized Map<Key, Totals> snapshot() {
        return new TreeMap<>(totals);
    }
}
