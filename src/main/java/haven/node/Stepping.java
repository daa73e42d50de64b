package haven.node;

import haven.core.Operation;
import java.util.List;

/**
 * When a node's event loop steps its core. A step for every heartbeat and a tick every 20 ms (~72 steps a
 * second) cost an idle node a third of its CPU while nothing changed. So the loop runs in two paces:
 * <ul>
 *   <li><b>Busy</b>, for {@link #BUSY_FOR_MS} after anything moved (a view, a committed state, a leader, an
 *   operation other than a passing monitor, a proposal, a fencing, an effect that acts), and while the node
 *   holds no lease: every event wakes the loop and it ticks every {@link #BUSY_TICK_MS}, as it always did. A
 *   failover runs wholly in this pace.</li>
 *   <li><b>Quiet</b> otherwise: heartbeats wait in the queue for the next step instead of waking the loop,
 *   and the loop steps every {@link #QUIET_TICK_MS}, or earlier where time alone would change a decision
 *   ({@link NodeCore#decideByMs}: the lease's give-up point, the next monitor). A beat read late renews no
 *   less (renewals count from the beat's own stamps), and the queued beats are taken in before the step
 *   decides, so the lease is judged on every beat that arrived. The guard's deadline, which each step moves
 *   to the lease's end plus two margins, moves at least every quiet tick.</li>
 * </ul>
 * Pure: time comes in as a parameter. {@link #wakes} is read by the threads that enqueue, the rest only by
 * the loop.
 */
public final class Stepping {
    public static final long BUSY_TICK_MS = 20;
    public static final long QUIET_TICK_MS = 250;
    public static final long BUSY_FOR_MS = 2_000;

    private long busyUntilMs = Long.MIN_VALUE;
    private volatile boolean quiet = false;

    /**
     * Whether {@code event} should wake the loop now, rather than wait for its next step: while quiet, a beat
     * and a monitor that found its resource running wait (the next monitor is scheduled from when the answer is
     * taken in, at most a quiet tick later); everything else, a failed monitor first of all, wakes it.
     */
    public boolean wakes(NodeEvent event) {
        if (!quiet) return true;
        return !(event instanceof NodeEvent.Beat || passingMonitor(event));
    }

    private static boolean passingMonitor(NodeEvent e) {
        return e instanceof NodeEvent.OpDone d && d.op() == Operation.MONITOR && d.result().isOk();
    }

    /**
     * Takes in what a step read and gave out, and says when the next step must come at the latest.
     *
     * @param decideByMs the core's {@link NodeCore#decideByMs} after the step
     */
    public long stepped(List<NodeEvent> in, List<Effect> out, long decideByMs, long nowMs) {
        if (in.stream().anyMatch(Stepping::moves) || out.stream().anyMatch(Stepping::acts)) busyUntilMs = nowMs + BUSY_FOR_MS;
        boolean nowQuiet = decideByMs != Long.MIN_VALUE && nowMs >= busyUntilMs;
        quiet = nowQuiet;
        if (!nowQuiet) return nowMs + BUSY_TICK_MS;
        // A decision already due that the step did not take (a monitor held back by an operation in flight)
        // would otherwise wake the loop at once, again and again.
        if (decideByMs <= nowMs) return nowMs + BUSY_TICK_MS;
        return Math.min(nowMs + QUIET_TICK_MS, decideByMs);
    }

    public boolean quiet() {
        return quiet;
    }

    private static boolean moves(NodeEvent e) {
        return switch (e) {
            case NodeEvent.Beat b -> false;
            case NodeEvent.Tick t -> false;
            case NodeEvent.OpDone d -> !passingMonitor(d);
            default -> true;
        };
    }

    private static boolean acts(Effect e) {
        return switch (e) {
            case Effect.GuardDeadline g -> false;
            case Effect.RunOp r -> r.op() != Operation.MONITOR;
            default -> true;
        };
    }
}
