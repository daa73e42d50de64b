package haven.cts;

import haven.lab.ProbeResult;
import java.util.Comparator;
import java.util.List;

/**
 * The client's outages, from the prober's requests: an outage starts when a request sent after good
 * answers fails, and ends with the answer to the first later request that succeeds. Requests are ordered by
 * when they were sent, not answered, because one stuck on a dead address is answered late.
 */
final class Outage {
    private Outage() {}

    /** The longest outage among requests sent in [fromNanos, toNanos]; one still open at the end runs to toNanos. */
    static long longestMs(List<ProbeResult> results, long fromNanos, long toNanos) {
        List<ProbeResult> window = results.stream().filter(r -> r.startNanos() >= fromNanos && r.startNanos() <= toNanos)
                .sorted(Comparator.comparingLong(ProbeResult::startNanos)).toList();
        long longest = 0;
        long openedAt = -1;
        for (ProbeResult r : window) {
            if (!r.ok() && openedAt < 0) {
                openedAt = r.startNanos();
            } else if (r.ok() && openedAt >= 0) {
                longest = Math.max(longest, r.endNanos() - openedAt);
                openedAt = -1;
            }
        }
        if (openedAt >= 0) {
            longest = Math.max(longest, toNanos - openedAt);
        }
        return longest / 1_000_000;
    }
}
