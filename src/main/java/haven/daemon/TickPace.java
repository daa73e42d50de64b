package haven.daemon;

import haven.core.Operation;
import haven.core.AgentResult;
import haven.node.Effect;
import haven.node.NodeEvent;
import java.util.List;

/**
 * How long the event loop may wait for its next tick. Ticks drive what no event announces: the lease
 * running out, waits after a view change, retries, due monitors. A settled node gets none of that from a
 * tick for long stretches, and stepping it 50 times a second was most of an idle daemon's CPU.
 *
 * <p>So the loop ticks every {@link #HOT_MS} while anything moves (for {@link #STAY_HOT_MS} after any
 * event or effect other than heartbeats, ticks, the guard deadline and a monitor that found its resource
 * running) and while the node has no lease or its lease could end before the next calm tick; otherwise
 * every {@link #CALM_MS}, and never past the moment the lease comes within {@code margin} of the guard's
 * deadline, from which on it is hot again: a node cut off from the others takes in its lease's end as
 * promptly as before (within a hot tick), and a view change, a command, a failed monitor make it hot at once.
 *
 * <p>Event loop thread only.
 */
final class TickPace {
    static final long HOT_MS = 20;
    static final long CALM_MS = 100;
    static final long STAY_HOT_MS = 2000;

    private final long marginMs;
    private long hotUntilMs = Long.MIN_VALUE;
    /** The latest guard deadline the core gave, in the loop's clock; MIN_VALUE before the first. */
    private long deadlineMs = Long.MIN_VALUE;

    /** {@code marginMs}: how long before the guard's deadline ticks are hot again; at least the guard's slack. */
    TickPace(long marginMs) {
        this.marginMs = marginMs;
    }

    /** What a step took in and gave out. */
    void stepped(List<NodeEvent> events, List<Effect> effects, long nowMs) {
        boolean moving = false;
        for (NodeEvent e : events) moving |= !quiet(e);
        for (Effect e : effects) {
            if (e instanceof Effect.GuardDeadline d) deadlineMs = d.atMs();
            else moving |= !(e instanceof Effect.RunOp r && r.op() == Operation.MONITOR);
        }
        if (moving) hotUntilMs = nowMs + STAY_HOT_MS;
    }

    /** How long after {@code nowMs} the next tick is due. */
    long interval(long nowMs) {
        if (nowMs < hotUntilMs || deadlineMs == Long.MIN_VALUE) return HOT_MS;
        long untilHot = deadlineMs - marginMs - nowMs;
        if (untilHot <= 0) return HOT_MS;
        return Math.max(HOT_MS, Math.min(CALM_MS, untilHot));
    }

    private static boolean quiet(NodeEvent e) {
        return e instanceof NodeEvent.Beat || e instanceof NodeEvent.Tick
                || e instanceof NodeEvent.OpDone d && d.op() == Operation.MONITOR && d.result().status() == AgentResult.Status.OK;
    }
}
