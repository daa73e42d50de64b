package haven.node;

import haven.cib.Command;
import haven.core.GroupId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Commands this node wants in the cluster log, proposed one batch at a time. Started and Released are
 * idempotent per generation, so they are re-derived after a failed proposal; a failure record is
 * proposed once and dropped if its proposal fails, because an uncertain proposal may have committed and a
 * second copy would count the failure twice.
 */
final class Outbox implements GroupReconciler.Reports {
    static final long RETRY_MS = 200;

    private final haven.core.NodeId self;
    private final List<Command> pending = new ArrayList<>();
    private final Map<GroupId, Long> startedSent = new TreeMap<>();
    private final Map<GroupId, Long> releasedSent = new TreeMap<>();
    private Integer connectivitySent = null;
    private long inFlightId = 0;
    private List<Command> inFlight = List.of();
    private long retryAtMs = 0;
    private long nextId = 1;
    /** After a committed proposal of ours, the state version it must reach before we plan again. */
    private long awaitVersionAbove = -1;

    Outbox(haven.core.NodeId self) {
        this.self = self;
    }

    @Override
    public void started(GroupId group, long generation) {
        if (!Long.valueOf(generation).equals(startedSent.get(group))) {
            startedSent.put(group, generation);
            pending.add(new Command.Started(group, self, generation));
        }
    }

    @Override
    public void released(GroupId group, long generation) {
        if (!Long.valueOf(generation).equals(releasedSent.get(group))) {
            releasedSent.put(group, generation);
            pending.add(new Command.Released(group, self, generation));
        }
    }

    @Override
    public void failed(Command.ResourceFailed failure) {
        pending.add(failure);
    }

    /** This node's ping reachability, once per value (again after a failed proposal). */
    void connectivity(int reachable) {
        if (!Integer.valueOf(reachable).equals(connectivitySent)) {
            connectivitySent = reachable;
            pending.add(new Command.Connectivity(self, reachable));
        }
    }

    void add(List<Command> commands) {
        pending.addAll(commands);
    }

    boolean idle(long nowMs, long stateVersion) {
        return inFlightId == 0 && nowMs >= retryAtMs && stateVersion > awaitVersionAbove;
    }

    /** Whether {@code c} waits to be proposed or is being proposed now. */
    boolean holds(Command c) {
        return pending.contains(c) || inFlight.contains(c);
    }

    /** The id the next proposal will carry: proposals from now on have at least this id. */
    long nextProposalId() {
        return nextId;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    Effect.Propose propose(long stateVersion) {
        inFlightId = nextId++;
        inFlight = List.copyOf(pending);
        pending.clear();
        awaitVersionAbove = stateVersion;
        return new Effect.Propose(inFlightId, inFlight);
    }

    /** Returns false for a stale completion. */
    boolean done(long proposalId, boolean ok, long nowMs) {
        if (proposalId != inFlightId) return false;
        inFlightId = 0;
        if (!ok) {
            awaitVersionAbove = -1;
            retryAtMs = nowMs + RETRY_MS;
            for (Command c : inFlight) {
                switch (c) {
                    case Command.Started s -> startedSent.remove(s.group());
                    case Command.Released r -> releasedSent.remove(r.group());
                    case Command.Connectivity sent -> connectivitySent = null;
                    default -> { }
                }
            }
        }
        inFlight = List.of();
        return true;
    }
}
