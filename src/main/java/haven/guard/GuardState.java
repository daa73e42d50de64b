package haven.guard;

import haven.core.ResourceId;
import haven.core.ForceOff;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a guard knows of its daemon, and the two rules it acts on. Pure: time comes in as a parameter.
 * <ul>
 *   <li><b>Deadline</b>: once the last deadline the daemon gave has passed with resources still armed,
 *   they are forced off, whether the daemon is alive (its lease ran out and its own stop is too slow) or
 *   not (frozen, hung). The daemon moves the deadline only while it holds its quorum lease.</li>
 *   <li><b>Hang</b>: a daemon silent for {@code hangLimitMs} is killed, so that a node whose logic is
 *   stuck while its sockets still answer leaves the cluster and lets the others take over.</li>
 * </ul>
 */
public final class GuardState {
    private final long hangLimitMs;
    /** False only in the simulator's mutation check, which proves that the deadline rule matters. */
    private final boolean deadlineRule;
    private final Map<ResourceId, List<ForceOff>> armed = new TreeMap<>();
    private long deadlineMs = Long.MIN_VALUE;
    /** The deadline already acted on: the daemon may start again only after it gives a later one. */
    private long firedForDeadlineMs = Long.MIN_VALUE;
    private long lastHeardMs;
    private boolean shuttingDown = false;

    public GuardState(long hangLimitMs, long nowMs) {
        this(hangLimitMs, nowMs, true);
    }

    /** {@code deadlineRule} false breaks the deadline rule on purpose; the guard process never does. */
    public GuardState(long hangLimitMs, long nowMs, boolean deadlineRule) {
        this.hangLimitMs = hangLimitMs;
        this.lastHeardMs = nowMs;
        this.deadlineRule = deadlineRule;
    }

    /** Takes in one message; true when the guard's work is over (bye). */
    public boolean heard(GuardMessage m, long nowMs) {
        lastHeardMs = nowMs;
        switch (m) {
            case GuardMessage.Arm a -> armed.put(a.resource(), a.steps());
            case GuardMessage.Disarm d -> armed.remove(d.resource());
            case GuardMessage.Deadline d -> deadlineMs = d.atMs();
            case GuardMessage.Shutdown s -> {
                deadlineMs = s.atMs();
                shuttingDown = true;
            }
            case GuardMessage.Alive a -> { }
            case GuardMessage.Bye b -> {
                return true;
            }
        }
        return false;
    }

    public boolean deadlinePassed(long nowMs) {
        return deadlineRule && !armed.isEmpty() && nowMs > deadlineMs && firedForDeadlineMs != deadlineMs;
    }

    /**
     * Everything armed, to force off because the deadline passed. The guard keeps it armed: the daemon
     * lives on and will stop or restart these under a later deadline, without arming them again.
     */
    public Map<ResourceId, List<ForceOff>> armedAtDeadline() {
        firedForDeadlineMs = deadlineMs;
        return new TreeMap<>(armed);
    }

    public boolean daemonHung(long nowMs) {
        return !shuttingDown && nowMs - lastHeardMs > hangLimitMs;
    }

    /** After the guard has killed the daemon, only the pipe's end is awaited. */
    public void stopHangCheck() {
        shuttingDown = true;
    }

    /** How long the guard may sleep before a rule could fire. */
    public long sleepMs(long nowMs, long maxMs) {
        long untilHang = shuttingDown ? maxMs : lastHeardMs + hangLimitMs + 1 - nowMs;
        long untilDeadline = armed.isEmpty() || firedForDeadlineMs == deadlineMs ? maxMs : deadlineMs + 1 - nowMs;
        return Math.max(0, Math.min(maxMs, Math.min(untilHang, untilDeadline)));
    }

    /** Everything armed, which the caller now forces off for good (the daemon is gone); the guard forgets it. */
    public Map<ResourceId, List<ForceOff>> takeArmed() {
        Map<ResourceId, List<ForceOff>> all = new TreeMap<>(armed);
        armed.clear();
        return all;
    }

    public boolean anyArmed() {
        return !armed.isEmpty();
    }

    public long deadlineMs() {
        return deadlineMs;
    }
}
