package haven.cib;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated, versioned status of the cluster: where each group is placed, which nodes are in
 * standby, administrative moves, recent failures, maintenance mode, the committed config
 * ({@link ConfigRevision}), the applications' messages and barriers ({@link AppChannel}), and the administrator's
 * day-two controls ({@link AdminControls}). {@code version} counts the log entries applied.
 * Immutable; {@link #apply} returns the next state. Sorted collections keep every node's copy, and its
 * JSON form, byte-identical.
 */
public record ClusterState(
        long version,
        long lastGeneration,
        SortedMap<GroupId, GroupState> groups,
        SortedSet<NodeId> standby,
        SortedMap<GroupId, NodeId> moves,
        List<FailureRecord> failures,
        SortedMap<NodeId, Integer> connectivity,
        List<FenceRecord> fencing,
        Maintenance maintenance,
        ConfigRevision config,
        AppChannel app,
        AdminControls controls) {

    /** Failures kept per resource and node; older ones are dropped (they are outside any useful window). */
    public static final int FAILURES_KEPT_PER_RESOURCE_NODE = 32;

    public static final ClusterState EMPTY =
            new ClusterState(0, 0, new TreeMap<>(), new TreeSet<>(), new TreeMap<>(), List.of());

    /** Fencing attempts kept in the state, newest last; older ones are in the daemons' logs. */
    public static final int FENCE_RECORDS_KEPT = 32;

    public ClusterState {
        groups = Collections.unmodifiableSortedMap(new TreeMap<>(groups));
        standby = Collections.unmodifiableSortedSet(new TreeSet<>(standby));
        moves = Collections.unmodifiableSortedMap(new TreeMap<>(moves));
        failures = List.copyOf(failures);
        // Absent in snapshots written before these existed.
        connectivity = Collections.unmodifiableSortedMap(connectivity == null ? new TreeMap<>() : new TreeMap<>(connectivity));
        fencing = fencing == null ? List.of() : List.copyOf(fencing);
        maintenance = maintenance == null ? Maintenance.OFF : maintenance;
        config = config == null ? ConfigRevision.NONE : config;
        if (app == null) app = AppChannel.EMPTY;
        if (controls == null) controls = AdminControls.NONE;
    }

    public ClusterState(long version, long lastGeneration, SortedMap<GroupId, GroupState> groups, SortedSet<NodeId> standby,
            SortedMap<GroupId, NodeId> moves, List<FailureRecord> failures, SortedMap<NodeId, Integer> connectivity,
            List<FenceRecord> fencing, Maintenance maintenance, ConfigRevision config, AppChannel app) {
        this(version, lastGeneration, groups, standby, moves, failures, connectivity, fencing, maintenance, config, app, AdminControls.NONE);
    }

    public ClusterState(long version, long lastGeneration, SortedMap<GroupId, GroupState> groups, SortedSet<NodeId> standby,
            SortedMap<GroupId, NodeId> moves, List<FailureRecord> failures) {
        this(version, lastGeneration, groups, standby, moves, failures, new TreeMap<>(), List.of(), Maintenance.OFF, ConfigRevision.NONE, AppChannel.EMPTY);
    }

    public GroupState group(GroupId id) {
        return groups.getOrDefault(id, GroupState.UNPLACED);
    }

    /** Applies one log entry (a batch of commands, applied together) and counts it as one version. */
    public ClusterState apply(List<Command> entry) {
        ClusterState s = this;
        int i = 0;
        while (i < entry.size()) {
            // A run of placements and reports goes through one copy of the group map: a cold start's entry places
            // every group, and a copy per command made applying it grow with the square of the groups (10,000
            // groups: 2.9 s on every node).
            int j = i;
            while (j < entry.size() && placementOrReport(entry.get(j))) j++;
            if (j > i) {
                s = s.withGroupCommands(entry.subList(i, j));
                i = j;
            } else {
                s = s.with(entry.get(i++));
            }
        }
        return new ClusterState(version + 1, s.lastGeneration, s.groups, s.standby, s.moves, s.failures, s.connectivity, s.fencing, s.maintenance, s.config, s.app, s.controls);
    }

    /** Applies one command without counting a new version: for the scheduler's look-ahead. */
    public ClusterState with(Command command) {
        return switch (command) {
            case Command.Assign a -> withGroupCommands(List.of(a));
            case Command.SetInstances i -> withGroupCommands(List.of(i));
            case Command.SetClones c -> withGroupCommands(List.of(c));
            case Command.InstanceStarted st -> withGroupCommands(List.of(st));
            case Command.InstanceReleased r -> withGroupCommands(List.of(r));
            case Command.PromotionScore p -> withGroupCommands(List.of(p));
            case Command.NotifyOpen o -> withGroup(o.group(), NotifyRounds.open(group(o.group()), o));
            case Command.NotifyDone d -> withGroup(d.group(), NotifyRounds.answered(group(d.group()), d.subject(), d.key(), d.node()));
            case Command.NotifyClose c -> withGroup(c.group(), NotifyRounds.closed(group(c.group()), c.subject(), c.key()));
            case Command.Released r -> withGroupCommands(List.of(r));
            case Command.Started st -> withGroupCommands(List.of(st));
            case Command.NodeLost l -> nodeLost(l.node());
            case Command.ResourceFailed f -> failed(f);
            case Command.SetStandby sb -> withStandby(sb);
            case Command.Move m -> withMove(m);
            case Command.Cleanup c -> cleanup(c);
            case Command.Connectivity c -> withConnectivity(c);
            case Command.Fenced f -> fenced(f);
            case Command.SetConfig c -> withConfig(c);
            case Command.FoundActive fa -> foundActive(fa);
            case Command.Journal j -> this;
            case Command.AppCommand a -> new ClusterState(version, lastGeneration, groups, standby, moves, failures,
                    connectivity, fencing, maintenance, config, app.with(a), controls);
            case Command.SetMaintenance m -> new ClusterState(version, lastGeneration, groups, standby, moves, failures, connectivity,
                    fencing, m.on() ? new Maintenance(true, m.reason(), maintenance.on() ? maintenance.sinceEpochMs() : m.atEpochMs())
                            : Maintenance.OFF, config, app, controls);
            case Command.SetDisabled d -> withControls(controls.disabled(d.group(), d.disabled()));
            case Command.SetManaged m -> withControls(controls.managed(m.group(), m.managed()));
            case Command.Restart r -> withControls(controls.restarting(r.group(), r.backOn()));
            case Command.SetNodeMaintenance m -> withControls(controls.nodeMaintenance(m.node(), m.on()));
        };
    }

    /**
     * A config change is a compare-and-set on the config's version: one made against an older version (two
     * administrators at once, or a retried request) is skipped the same way on every node, never merged.
     */
    private ClusterState withConfig(Command.SetConfig c) {
        if (c.baseVersion() != config.version()) return this;
        ConfigRevision next = new ConfigRevision(config.version() + 1, c.text(), c.sha256());
        return new ClusterState(version, lastGeneration, groups, standby, moves, failures, connectivity, fencing, maintenance, next, app);
    }

    private ClusterState withConnectivity(Command.Connectivity c) {
        TreeMap<NodeId, Integer> next = new TreeMap<>(connectivity);
        next.put(c.node(), c.reachable());
        return new ClusterState(version, lastGeneration, groups, standby, moves, failures, next, fencing, maintenance, config, app, controls);
    }

    /**
     * A fencing attempt. A confirmed one means the node is off: nothing of it can still run, so it counts as
     * lost at once (its groups may start elsewhere). A failed one is only recorded.
     */
    private ClusterState fenced(Command.Fenced f) {
        FenceRecord record = new FenceRecord(f.node(), f.by(), f.atEpochMs(), f.ok(), f.summary());
        List<FenceRecord> next = new ArrayList<>(fencing);
        if (!fencing.contains(record)) next.add(record); // a report made again after a leader change
        while (next.size() > FENCE_RECORDS_KEPT) next.remove(0);
        ClusterState s = new ClusterState(version, lastGeneration, groups, standby, moves, failures, connectivity, next, maintenance, config, app, controls);
        return f.ok() ? s.nodeLost(f.node()) : s;
    }

    /** Stop all, start one: both instances must stop (and say so) before the group is placed again. */
    private ClusterState foundActive(Command.FoundActive fa) {
        GroupState old = group(fa.group());
        if (old.generation() != fa.generation() || old.assigned().isEmpty() || old.assigned().equals(Optional.of(fa.node()))) {
            return this; // the group moved on meanwhile: this report speaks of a placement that is gone
        }
        TreeSet<NodeId> active = new TreeSet<>(old.mayBeActive());
        active.add(fa.node());
        TreeMap<GroupId, GroupState> next = new TreeMap<>(groups);
        next.put(fa.group(), old.placed(Optional.empty(), old.generation(), active, false));
        return new ClusterState(version, lastGeneration, next, standby, moves, failures, connectivity, fencing, maintenance, config, app, controls);
    }

    private ClusterState withGroup(GroupId id, GroupState g) {
        if (g.equals(group(id))) return this;
        TreeMap<GroupId, GroupState> next = new TreeMap<>(groups);
        next.put(id, g);
        return new ClusterState(version, lastGeneration, next, standby, moves, failures, connectivity, fencing, maintenance, config, app, controls);
    }

    private static boolean placementOrReport(Command c) {
        return c instanceof Command.Assign || c instanceof Command.SetInstances || c instanceof Command.PromotionScore
                || c instanceof Command.Released || c instanceof Command.Started || c instanceof Command.SetClones
                || c instanceof Command.InstanceStarted || c instanceof Command.InstanceReleased;
    }

    /** Placements and reports applied in order to one copy of the group map (see {@link #apply}). */
    private ClusterState withGroupCommands(List<Command> commands) {
        TreeMap<GroupId, GroupState> next = null;
        long generation = lastGeneration;
        for (Command c : commands) {
            GroupId id = switch (c) {
                case Command.Assign a -> a.group();
                case Command.SetInstances i -> i.group();
                case Command.PromotionScore p -> p.group();
                case Command.Released r -> r.group();
                case Command.Started st -> st.group();
                case Command.SetClones k -> k.group();
                case Command.InstanceStarted st -> st.group();
                case Command.InstanceReleased r -> r.group();
                default -> throw new IllegalArgumentException("not a placement or a report: " + c);
            };
            GroupState old = next == null ? group(id) : next.getOrDefault(id, GroupState.UNPLACED);
            GroupState changed = switch (c) {
                case Command.Assign a -> assigned(a, old, generation + 1);
                // Where a promotable group's replicas run; changes nothing about its primary role.
                case Command.SetInstances i -> old.withInstances(i.nodes());
                // A score of a node that runs no instance (it was taken off meanwhile) is dropped: it ranks nothing.
                case Command.PromotionScore p -> p.score().isPresent() && !old.instances().contains(p.node()) ? null
                        : old.withScore(p.node(), p.score());
                case Command.Released r -> released(r, old);
                case Command.Started st -> !old.assigned().equals(Optional.of(st.node())) || old.generation() != st.generation() ? null
                        : old.placed(old.assigned(), old.generation(), old.mayBeActive(), true);
                case Command.SetClones k -> old.withClones(k.nodes());
                case Command.InstanceStarted st -> old.withInstanceStarted(st.node());
                case Command.InstanceReleased r -> old.withInstanceReleased(r.node());
                default -> throw new IllegalArgumentException("not a placement or a report: " + c);
            };
            if (changed == null || changed == old) continue;
            if (c instanceof Command.Assign a && a.node().isPresent()) generation++;
            if (next == null) next = new TreeMap<>(groups);
            next.put(id, changed);
        }
        if (next == null) return this;
        return new ClusterState(version, generation, next, standby, moves, failures, connectivity, fencing, maintenance, config, app, controls);
    }

    /** The group once assigned, or null when the assignment is skipped. */
    private static GroupState assigned(Command.Assign a, GroupState old, long generation) {
        if (a.node().isEmpty()) return old.placed(Optional.empty(), old.generation(), old.mayBeActive(), false);
        NodeId node = a.node().get();
        if (!old.onlyPossiblyActiveOn(node)) {
            // A plan made from an older state (e.g. by a coordinator that lost leadership while its entry was
            // in flight) can arrive after the group moved on. Applying it is a compare-and-set that fails
            // the same way on every node: skipped, and the current coordinator plans again.
            return null;
        }
        TreeSet<NodeId> active = new TreeSet<>(old.mayBeActive());
        active.add(node);
        return old.placed(Optional.of(node), generation, active, false);
    }

    /** The group once a node's release is recorded, or null when the report is stale or changes nothing. */
    private static GroupState released(Command.Released r, GroupState old) {
        // A release speaks for the generation the node saw when it had stopped everything. One from an
        // older generation may predate a newer assignment to the same node, which may be running now:
        // ignore it; the node reports again for the current generation once it has stopped.
        boolean stale = r.generation() != old.generation();
        boolean stillAssignedThere = old.assigned().equals(Optional.of(r.node()));
        if (stale || stillAssignedThere || !old.mayBeActive().contains(r.node())) return null;
        TreeSet<NodeId> active = new TreeSet<>(old.mayBeActive());
        active.remove(r.node());
        return old.withMayBeActive(active);
    }

    private ClusterState nodeLost(NodeId node) {
        TreeMap<GroupId, GroupState> next = new TreeMap<>();
        for (var e : groups.entrySet()) {
            GroupState g = e.getValue();
            TreeSet<NodeId> active = new TreeSet<>(g.mayBeActive());
            active.remove(node);
            boolean wasThere = g.assigned().equals(Optional.of(node));
            next.put(e.getKey(), NotifyRounds.answered(g.placed(wasThere ? Optional.empty() : g.assigned(), g.generation(), active,
                    !wasThere && g.started()).withScore(node, Optional.empty()).withoutStartedOn(node), node));
        }
        return new ClusterState(version, lastGeneration, next, standby, moves, failures, connectivity, fencing, maintenance, config, app, controls);
    }

    private ClusterState failed(Command.ResourceFailed f) {
        FailureRecord record = new FailureRecord(f.resource(), f.node(), f.atEpochMs(), f.detail(), f.scope());
        // The same report twice is one failure: a proposal made again after a leader change may commit twice.
        if (failures.contains(record)) return this;
        List<FailureRecord> next = new ArrayList<>(failures);
        next.add(record);
        List<FailureRecord> same = next.stream()
                .filter(x -> x.resource().equals(f.resource()) && x.node().equals(f.node())).toList();
        if (same.size() > FAILURES_KEPT_PER_RESOURCE_NODE) {
            next.remove(same.get(0));
        }
        return new ClusterState(version, lastGeneration, groups, standby, moves, next, connectivity, fencing, maintenance, config, app, controls);
    }

    private ClusterState withStandby(Command.SetStandby sb) {
        TreeSet<NodeId> next = new TreeSet<>(standby);
        if (sb.standby()) next.add(sb.node()); else next.remove(sb.node());
        return new ClusterState(version, lastGeneration, groups, next, moves, failures, connectivity, fencing, maintenance, config, app, controls);
    }

    private ClusterState withMove(Command.Move m) {
        boolean expiryOfAnother = m.node().isEmpty() && m.untilEpochMs().isPresent()
                && !m.untilEpochMs().get().equals(controls.moveUntil().get(m.group()));
        if (expiryOfAnother) return this;
        TreeMap<GroupId, NodeId> next = new TreeMap<>(moves);
        m.node().ifPresentOrElse(n -> next.put(m.group(), n), () -> next.remove(m.group()));
        return new ClusterState(version, lastGeneration, groups, standby, next, failures, connectivity, fencing, maintenance, config, app,
                controls.moveUntil(m.group(), m.node().isPresent() ? m.untilEpochMs() : Optional.empty()));
    }

    private ClusterState withControls(AdminControls next) {
        return new ClusterState(version, lastGeneration, groups, standby, moves, failures, connectivity, fencing, maintenance, config, app, next);
    }

    private ClusterState cleanup(Command.Cleanup c) {
        List<FailureRecord> next = failures.stream()
                .filter(f -> !(f.resource().equals(c.resource()) && c.node().map(f.node()::equals).orElse(true)))
                .toList();
        return new ClusterState(version, lastGeneration, groups, standby, moves, next, connectivity, fencing, maintenance, config, app, controls);
    }

    /** Failures of {@code resource} on {@code node} at or after {@code sinceEpochMs}. */
    public long failureCount(ResourceId resource, NodeId node, long sinceEpochMs) {
        return failures.stream()
                .filter(f -> f.resource().equals(resource) && f.node().equals(node) && f.atEpochMs() >= sinceEpochMs)
                .count();
    }
}
