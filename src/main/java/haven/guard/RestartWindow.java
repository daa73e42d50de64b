package haven.guard;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How many guard deaths a daemon takes before it gives the guard up: at most {@code max} within any
 * {@code windowMs}. Counted in a window, not over the daemon's life, so that a guard killed now and then over
 * months (an OOM kill, an admin's mistake) is always restarted, while one that keeps dying is not. Pure: time
 * comes in as a parameter.
 */
public final class RestartWindow {
    private final int max;
    private final long windowMs;
    private final Deque<Long> deaths = new ArrayDeque<>();

    public RestartWindow(int max, long windowMs) {
        if (max < 0 || windowMs <= 0) throw new IllegalArgumentException("restart window needs max >= 0 and a positive length");
        this.max = max;
        this.windowMs = windowMs;
    }

    /** Records a death at {@code nowMs}; true when a restart is still allowed. */
    public boolean died(long nowMs) {
        deaths.addLast(nowMs);
        forgetBefore(nowMs);
        return deaths.size() <= max;
    }

    /** Restarts still allowed at {@code nowMs}, deaths older than the window forgotten. */
    public int left(long nowMs) {
        forgetBefore(nowMs);
        return max - deaths.size();
    }

    private void forgetBefore(long nowMs) {
        while (!deaths.isEmpty() && nowMs - deaths.peekFirst() >= windowMs) deaths.removeFirst();
    }

    /** Deaths within the window as of the last {@link #died}. */
    int recent() {
        return deaths.size();
    }
}
