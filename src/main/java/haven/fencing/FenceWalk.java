package haven.fencing;

import haven.config.fence.FenceDevice;
import haven.config.fence.FenceLevel;
import haven.config.fence.FencingTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The walk through one target's fencing levels as a pure state machine: it says which device to run next,
 * is told how that run went and what time it is, and ends fenced (by a level) or not (why each level failed).
 * It runs no agent and reads no clock, so the daemon's {@link Fencer} and the simulator drive the same walk.
 *
 * <p>The rules: levels in order until one succeeds; a level succeeds when every one of its devices does.
 * {@code reboot} on a level of several devices is off on all of them, then on on all of them (rebooting one
 * power supply after the other would never take the machine's power away): the level has fenced the node once
 * every off succeeded, and a failed power-on after that does not undo it.
 *
 * <p>Not thread safe: one walk per fencing, driven by one caller.
 */
public final class FenceWalk {
    /** What the driver does next. */
    public sealed interface Next permits RunDevice, Fenced, NotFenced {}

    /** Run {@code action} on {@code device} for this walk's target (its delay first, when the action cuts power). */
    public record RunDevice(FenceLevel level, FenceDevice device, FenceAction action) implements Next {}

    /** Every off (or the action itself) of {@code level} succeeded: the target counts as fenced. */
    public record Fenced(FenceLevel level, long tookMs) implements Next {}

    /** No level fenced the target; {@code summary} says why each failed. */
    public record NotFenced(String summary, long tookMs) implements Next {}

    private final FencingTopology topology;
    private final String target;
    private final FenceAction action;
    private final long startMs;
    private final List<FenceLevel> levels;
    private final List<String> failures = new ArrayList<>();
    private int levelAt = -1;
    /** The current level's runs in order; those from {@code mustSucceed} on may fail (the power-ons of a reboot). */
    private List<RunDevice> plan = List.of();
    private int mustSucceed;
    private int runAt;
    private Next next;

    private FenceWalk(FencingTopology topology, String target, FenceAction action, long startMs) {
        this.topology = topology;
        this.target = target;
        this.action = action;
        this.startMs = startMs;
        this.levels = topology.levelsFor(target);
    }

    /**
     * Starts fencing {@code target} with {@code action} (off, reboot, or on to unfence) at {@code nowMs}.
     *
     * @throws IllegalArgumentException for any other action
     */
    public static FenceWalk start(FencingTopology topology, String target, FenceAction action, long nowMs) {
        if (action != FenceAction.OFF && action != FenceAction.REBOOT && action != FenceAction.ON) {
            throw new IllegalArgumentException("a node is fenced with off, reboot or on, not " + action);
        }
        FenceWalk w = new FenceWalk(topology, target, action, nowMs);
        if (w.levels.isEmpty()) {
            w.next = new NotFenced("no fence device can fence " + target + ": add a device that lists " + target + " among its nodes", 0);
        } else {
            w.next = w.nextLevel(nowMs);
        }
        return w;
    }

    public String target() {
        return target;
    }

    public FenceAction action() {
        return action;
    }

    /** What to do now; a {@link Fenced} or {@link NotFenced} once the walk is over. */
    public Next next() {
        return next;
    }

    /**
     * The run asked for by {@link #next()} ended at {@code nowMs}: empty when the device did its part, else why
     * not. Returns the next step.
     *
     * @throws IllegalStateException when no run was asked for (the walk is over)
     */
    public Next report(Optional<String> failure, long nowMs) {
        if (!(next instanceof RunDevice)) throw new IllegalStateException("the fencing of " + target + " is over: " + next);
        FenceLevel level = plan.get(runAt).level();
        if (failure.isPresent() && runAt < mustSucceed) {
            failures.add("level " + level.index() + ": " + failure.get());
            next = nextLevel(nowMs);
            return next;
        }
        runAt++;
        next = runAt < plan.size() ? plan.get(runAt) : new Fenced(level, nowMs - startMs);
        return next;
    }

    private Next nextLevel(long nowMs) {
        levelAt++;
        if (levelAt >= levels.size()) {
            return new NotFenced(target + " could not be fenced (" + action + "): " + String.join("; ", failures), nowMs - startMs);
        }
        FenceLevel level = levels.get(levelAt);
        List<FenceDevice> devices = level.devices().stream().map(n -> topology.device(n).orElseThrow()).toList();
        List<RunDevice> runs = new ArrayList<>();
        if (action == FenceAction.REBOOT && devices.size() > 1) {
            devices.forEach(d -> runs.add(new RunDevice(level, d, FenceAction.OFF)));
            mustSucceed = runs.size();
            devices.forEach(d -> runs.add(new RunDevice(level, d, FenceAction.ON)));
        } else {
            devices.forEach(d -> runs.add(new RunDevice(level, d, action)));
            mustSucceed = runs.size();
        }
        plan = List.copyOf(runs);
        runAt = 0;
        return plan.get(0);
    }
}
