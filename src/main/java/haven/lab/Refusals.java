package haven.lab;

import java.util.List;

/**
 * Connections refused during one failover, as the {@link Prober} saw them: a node that holds the VIP but has
 * no listener on the port answers a connect with a reset, which the prober reports as
 * {@code FAIL ConnectException}. A dead or unreachable holder gives timeouts instead, so refusals measure exactly
 * the window in which clients were sent to a node whose service did not listen yet (or any more).
 *
 * @param count   refused requests sent after the fault and before the first good answer came back
 * @param spanMs  from the first refused request's start to the last one's end; 0 when none was refused.
 *                The prober sends every 10 ms, so the true window may be up to one interval longer.
 */
public record Refusals(int count, long spanMs) {

    static final String REFUSED = "ConnectException";

    static boolean refused(ProbeResult r) {
        return !r.ok() && r.detail().equals(REFUSED);
    }

    /** Refusals among the requests sent in [{@code fromNanos}, {@code untilNanos}]. */
    static Refusals between(List<ProbeResult> results, long fromNanos, long untilNanos) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int count = 0;
        for (ProbeResult r : results) {
            if (r.startNanos() < fromNanos || r.startNanos() > untilNanos || !refused(r)) continue;
            count++;
            first = Math.min(first, r.startNanos());
            last = Math.max(last, r.endNanos());
        }
        return new Refusals(count, count == 0 ? 0 : (last - first) / 1_000_000);
    }

    /** " 3 refused over 24 ms" or "" when none. */
    String describe() {
        return count == 0 ? "" : "; " + count + " refused over " + spanMs + " ms";
    }
}
