package haven.node;

import haven.config.ClusterConfig;
import haven.config.ResourceConfig;
import haven.core.ResourceId;
import haven.core.Operation;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * This node's view of its own resources: state, the one operation in flight per resource, and when the
 * next recurring monitor is due. Pure bookkeeping, owned by the node's event loop.
 */
final class LocalResources {
    record InFlight(long opId, Operation op) {}

    private ClusterConfig config;
    private final Map<ResourceId, LocalState> states = new TreeMap<>();
    private final Map<ResourceId, InFlight> inFlight = new TreeMap<>();
    private final Map<ResourceId, Long> nextMonitorAtMs = new TreeMap<>();
    private long nextOpId = 1;

    LocalResources(ClusterConfig config) {
        this.config = config;
        for (ResourceConfig r : config.resources()) {
            states.put(r.id(), LocalState.UNKNOWN);
        }
    }

    /**
     * Takes a changed config: new resources are unknown until probed, removed ones are forgotten (the core
     * stopped them first), the others keep their state.
     */
    void reconfigure(ClusterConfig next) {
        this.config = next;
        for (ResourceConfig r : next.resources()) states.putIfAbsent(r.id(), LocalState.UNKNOWN);
        states.keySet().removeIf(id -> next.resource(id).isEmpty());
        inFlight.keySet().removeIf(id -> next.resource(id).isEmpty());
        nextMonitorAtMs.keySet().removeIf(id -> next.resource(id).isEmpty());
    }

    /**
     * Whether {@code members} are ready for the next step of their group: none busy, none unprobed (probes are
     * started here, to find leftovers before deciding anything), none whose stop failed.
     */
    boolean settled(java.util.List<ResourceId> members, java.util.function.Consumer<Effect> out) {
        if (members.stream().anyMatch(this::busy)) return false;
        for (ResourceId r : members) {
            if (state(r) == LocalState.UNKNOWN) out.accept(begin(r, Operation.MONITOR));
        }
        if (members.stream().anyMatch(this::busy)) return false;
        return members.stream().noneMatch(r -> state(r) == LocalState.STOP_FAILED);
    }

    LocalState state(ResourceId id) {
        return states.get(id);
    }

    void set(ResourceId id, LocalState state) {
        states.put(id, state);
    }

    /** Forget what is known of {@code id}, so it is probed again; not while an operation runs or a forced stop is pending. */
    void reprobe(ResourceId id) {
        if (!busy(id) && state(id) != LocalState.STOP_FAILED) set(id, LocalState.UNKNOWN);
    }

    boolean busy(ResourceId id) {
        return inFlight.containsKey(id);
    }

    Optional<InFlight> inFlight(ResourceId id) {
        return Optional.ofNullable(inFlight.get(id));
    }

    Effect.RunOp begin(ResourceId id, Operation op) {
        return begin(id, op, 0);
    }

    Effect.RunOp begin(ResourceId id, Operation op, long generation) {
        ResourceConfig rc = config.resource(id).orElseThrow();
        long opId = nextOpId++;
        inFlight.put(id, new InFlight(opId, op));
        nextMonitorAtMs.remove(id);
        return new Effect.RunOp(id, op, timeout(rc, op), opId, generation);
    }

    /** A notify call; the instance's monitors keep their schedule (they wait while it runs). */
    Effect.RunOp beginNotify(ResourceId id, haven.core.Notice notice) {
        long opId = nextOpId++;
        inFlight.put(id, new InFlight(opId, Operation.NOTIFY));
        return new Effect.RunOp(id, Operation.NOTIFY, timeout(config.resource(id).orElseThrow(), Operation.NOTIFY), opId, 0,
                Optional.of(notice));
    }

    private static java.time.Duration timeout(ResourceConfig rc, Operation op) {
        return switch (op) {
            // A promotion is bounded like a start (it may replay a log), a demotion like a stop, and a notify call
            // like a start: agents re-point or re-attach their replication in it.
            case START, RELOAD, PROMOTE, NOTIFY -> rc.startTimeout();
            case STOP, DEMOTE -> rc.stopTimeout();
            case MONITOR -> rc.monitorTimeout();
        };
    }

    /** Ends the operation if {@code opId} is the one in flight; false for a stale or unknown result. */
    boolean finish(ResourceId id, long opId) {
        InFlight f = inFlight.get(id);
        if (f == null || f.opId() != opId) return false;
        inFlight.remove(id);
        return true;
    }

    void scheduleMonitor(ResourceId id, long nowMs) {
        nextMonitorAtMs.put(id, nowMs + config.resource(id).orElseThrow().monitorInterval().toMillis());
    }

    boolean monitorDue(ResourceId id, long nowMs) {
        Long at = nextMonitorAtMs.get(id);
        LocalState state = states.get(id);
        return at != null && at <= nowMs && !busy(id) && running(id);
    }

    /** Running here, in either role. */
    boolean running(ResourceId id) {
        LocalState state = states.get(id);
        return state == LocalState.STARTED || state == LocalState.PROMOTED;
    }

    /** When the next recurring monitor falls due (it runs then unless the resource is busy), or MAX_VALUE. */
    long nextMonitorMs() {
        long next = Long.MAX_VALUE;
        for (long at : nextMonitorAtMs.values()) next = Math.min(next, at);
        return next;
    }

    Map<ResourceId, LocalState> snapshot() {
        return new TreeMap<>(states);
    }
}
