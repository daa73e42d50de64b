package haven.config.budget;

import java.time.Duration;

/** Durations as the budget table shows them: "80ms" under a second, else seconds with one decimal ("51.2s"). */
public final class HumanDuration {
    private HumanDuration() {}

    /**
     * Seconds are rounded up, not to the nearest tenth: every figure in the budget is a worst case, and a
     * worst case shown shorter than it is would mislead the one reading it.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long tenths = Math.ceilDiv(ms, 100);
        return tenths / 10 + "." + tenths % 10 + "s";
    }
}
