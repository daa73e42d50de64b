package haven.sim;

import java.util.PriorityQueue;

/** The simulated clock: actions queued for a moment, run in time order (ties in the order queued). */
final class SimClock {
    /** The wall clock the nodes see at simulated time 0 (epoch ms). */
    static final long EPOCH_MS = 1_700_000_000_000L;

    private record Timed(long at, long seq, Runnable action) {}

    private final PriorityQueue<Timed> queue = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long seq = 0;
    private long now = 0;

    long now() {
        return now;
    }

    void at(long delayMs, Runnable action) {
        queue.add(new Timed(now + delayMs, seq++, action));
    }

    void runUntil(long timeMs) {
        while (!queue.isEmpty() && queue.peek().at <= timeMs) {
            Timed t = queue.poll();
            now = t.at;
            t.action.run();
        }
        now = timeMs;
    }
}
