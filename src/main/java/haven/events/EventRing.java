package haven.events;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} events of one stream, numbered 1, 2, 3... without gaps. A reader keeps the
 * number of the last event it has and asks for what follows; if that has already been overwritten it is
 * told so ({@link Read.Gap}), never handed a silently shortened list.
 *
 * <p>Thread safety: every method is safe from any thread; appends come from the event loop and the agent
 * threads, reads from one HTTP thread per client. Waiting readers are woken by each append and by close.
 */
public final class EventRing {
    /** What a reader gets: the next events (possibly none), or the news that it fell behind. */
    public sealed interface Read {
        record Events(List<ClusterEvent> events) implements Read {}

        /** Events after {@code after} up to {@code oldest - 1} are gone from the ring. */
        record Gap(long after, long oldest) implements Read {}
    }

    private final ClusterEvent[] slots;
    private long last; // the seq of the newest event; 0 when empty
    private boolean closed;

    public EventRing(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        this.slots = new ClusterEvent[capacity];
    }

    public synchronized List<ClusterEvent> append(List<Change> changes, long atEpochMs) {
        List<ClusterEvent> added = new ArrayList<>(changes.size());
        for (Change c : changes) {
            ClusterEvent e = new ClusterEvent(last + 1, atEpochMs, c.type(), c.fields(), c.text());
            slots[(int) (last % slots.length)] = e;
            last++;
            added.add(e);
        }
        if (!added.isEmpty()) notifyAll();
        return added;
    }

    public synchronized long last() {
        return last;
    }

    /** The seq of the oldest event still held (last + 1 when empty). */
    public synchronized long oldest() {
        return Math.max(1, last - slots.length + 1);
    }

    public int capacity() {
        return slots.length;
    }

    /**
     * Up to {@code max} events after {@code after}, oldest first.
     *
     * @throws IllegalArgumentException if {@code after} is beyond the newest event (a number from another stream)
     */
    public synchronized Read after(long after, int max) {
        if (after > last || after < 0) {
            throw new IllegalArgumentException("event " + after + " is not in this stream (its newest is " + last + ")");
        }
        long oldest = Math.max(1, last - slots.length + 1);
        if (after + 1 < oldest) return new Read.Gap(after, oldest);
        List<ClusterEvent> out = new ArrayList<>();
        for (long seq = after + 1; seq <= last && out.size() < max; seq++) {
            out.add(slots[(int) ((seq - 1) % slots.length)]);
        }
        return new Read.Events(out);
    }

    /** Waits until there is an event after {@code after}, the ring is closed, or {@code timeoutMs} passes. */
    public synchronized boolean awaitAfter(long after, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (last <= after && !closed) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) return false;
            wait(leftMs);
        }
        return last > after;
    }

    public synchronized boolean closed() {
        return closed;
    }

    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
