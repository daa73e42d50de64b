package haven.node;

import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which of this node's resources the guard must be ready to force off: every one that may be active (started,
 * failed, a stop that failed, or a start in flight). Turns each step's answer into Arm effects, which go
 * before the step's other effects so a start is never submitted before the guard knows of it, and Disarm
 * effects, which go after them.
 */
final class Arming {
    private final Set<ResourceId> armed = new TreeSet<>();

    /** Rewrites {@code effects} in place: arms first, then the step's own effects, then disarms. */
    void wrap(LocalResources local, List<Effect> effects) {
        Set<ResourceId> now = new TreeSet<>();
        for (var e : local.snapshot().entrySet()) {
            ResourceId r = e.getKey();
            boolean starting = local.inFlight(r).map(f -> f.op() == haven.core.Operation.START).orElse(false);
            if (starting || mayBeActive(e.getValue())) now.add(r);
        }
        List<Effect> arms = new ArrayList<>();
        for (ResourceId r : now) {
            if (armed.add(r)) arms.add(new Effect.Arm(r));
        }
        List<ResourceId> gone = armed.stream().filter(r -> !now.contains(r)).toList();
        gone.forEach(armed::remove);
        effects.addAll(0, arms);
        gone.forEach(r -> effects.add(new Effect.Disarm(r)));
    }

    private static boolean mayBeActive(LocalState s) {
        return s == LocalState.STARTED || s == LocalState.PROMOTED || s == LocalState.FAILED || s == LocalState.STOP_FAILED;
    }
}
