package haven.node;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.FailureRecord;
import haven.cib.FailureScope;
import haven.cib.GroupState;
import haven.cib.JournalNote;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.Policy;
import haven.core.AgentResult;
import haven.core.NodeId;
import haven.core.Operation;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Drives this node's resources toward the committed placement: agent results in, operations out; failures
 * reported to the cluster log; stops that fail forced off; maintenance mode and live config switches applied
 * here. Reads the step's {@link QuorumKeeper.LeaseView}; never decides placement.
 */
final class LocalControl {
    private final NodeId self;
    private final Outbox outbox;
    private final LocalResources local;
    private final GroupReconciler reconciler;
    private final PromotableReconciler promotable;
    private final DeclinedPromotions declined = new DeclinedPromotions();
    private final ConfigSwitch configSwitch = new ConfigSwitch();
    private final Arming arming = new Arming();
    /** Resources whose stop failed and that are being forced off, with the stop's failure. */
    private final Map<ResourceId, String> stopFailures = new TreeMap<>();
    /** Resources that neither stopped nor could be forced off, with the report that asks for fencing. */
    private final Map<ResourceId, Command.ResourceFailed> stuckStops = new TreeMap<>();
    private final ScoreReports scores;
    private final Notifications notifications;
    private final HandsOff handsOff;

    LocalControl(ClusterConfig config, NodeId self, Outbox outbox) {
        this(config, self, outbox, false);
    }

    /** {@code promotesUnannounced}: the simulator's mutation that skips the pre-promote round. */
    LocalControl(ClusterConfig config, NodeId self, Outbox outbox, boolean promotesUnannounced) {
        this.self = self;
        this.outbox = outbox;
        this.local = new LocalResources(config);
        this.reconciler = new GroupReconciler(self, local);
        this.promotable = new PromotableReconciler(self, local, declined);
        this.scores = new ScoreReports(self, outbox);
        this.notifications = new Notifications(self, outbox, local, promotesUnannounced);
        this.handsOff = new HandsOff(self);
    }

    void offerConfig(NodeEvent.ConfigChanged c, List<Effect> out) {
        configSwitch.offer(c);
        out.add(new Effect.Note("config version " + c.version() + " committed: " + c.diff().summary()
                + (c.diff().stopped().isEmpty() ? "" : "; stopping " + c.diff().stopped() + " here first where they run")));
    }

    void reprobeAll(ClusterConfig config) {
        for (var r : config.resources()) local.reprobe(r.id());
    }

    /**
     * Members joined (a partition healed, a node came back): look again at what this node believes stopped.
     * Whatever was started behind the cluster's back meanwhile (by hand, by a stray script) is found and,
     * where its group is not assigned here, stopped: the extras go, the assigned instance stays.
     */
    void reprobeStopped(ClusterConfig config, List<Effect> out) {
        List<ResourceId> again = new ArrayList<>();
        for (var r : config.resources()) {
            if (local.state(r.id()) == LocalState.STOPPED && !local.busy(r.id())) {
                local.set(r.id(), LocalState.UNKNOWN);
                again.add(r.id());
            }
        }
        if (!again.isEmpty()) out.add(new Effect.Note("members joined: probing " + again + " again for instances started meanwhile", Probe.MEMBERS_JOINED_REPROBE));
    }

    void onOpDone(NodeEvent.OpDone d, ClusterConfig config, ClusterState state, long nowMs, long nowEpochMs, List<Effect> out) {
        if (!local.finish(d.resource(), d.opId())) return;
        ResourceId r = d.resource();
        AgentResult res = d.result();
        LocalState before = local.state(r);
        switch (d.op()) {
            case MONITOR -> {
                if (before == LocalState.UNKNOWN) {
                    GroupConfig g = config.groupOf(r);
                    boolean replicated = g.replicaMembers().contains(r);
                    local.set(r, switch (res.status()) {
                        case OK -> LocalState.STARTED;
                        case PROMOTED -> replicated ? LocalState.PROMOTED : LocalState.STARTED;
                        case NOT_RUNNING -> LocalState.STOPPED;
                        default -> LocalState.FAILED;
                    });
                    GroupState group = state.group(g.id());
                    boolean assignedHere = g.isClone() ? group.instances().contains(self) : group.assigned().equals(Optional.of(self));
                    if (replicated) {
                        if (!handsOff.of(state, g.id())) foundReplica(r, res, group, assignedHere, state, nowEpochMs, out);
                    } else if (res.isOk() && !assignedHere && !handsOff.of(state, g.id())) {
                        outbox.failed(new Command.ResourceFailed(r, self, nowEpochMs, "found active where its group is not assigned; stopping it"));
                        boolean stopAll = config.policy().multipleActive() == Policy.MultipleActive.STOP_ALL && group.assigned().isPresent()
                                && !g.isPromotable() && !g.isClone();
                        if (stopAll) outbox.add(List.of(new Command.FoundActive(config.groupOf(r).id(), self, group.generation())));
                        out.add(new Effect.Note("found " + r + " active here although its group is not assigned here: stopping it"
                                + (stopAll ? ", and the instance on " + group.assigned().get() + " too (multiple_active: stop_all)" : "")));
                    }
                } else if (before == LocalState.STARTED || before == LocalState.PROMOTED) {
                    Optional<String> roleChanged = RoleCheck.onMonitor(r, before, res, config);
                    Optional<String> leftAlone = handsOff.whyResource(state, config, r);
                    if (res.isOk() && roleChanged.isEmpty()) {
                        local.scheduleMonitor(r, nowMs);
                    } else if (res.isOk() && leftAlone.isEmpty()) {
                        fail(r, "monitor: " + roleChanged.get(), FailureScope.LOCAL, nowEpochMs, out);
                    } else if (res.isOk()) {
                        leaveAlone(r, res.status() == AgentResult.Status.PROMOTED ? LocalState.PROMOTED : LocalState.STARTED,
                                "monitor: " + roleChanged.get(), leftAlone.get(), out);
                    } else if (leftAlone.isPresent()) {
                        leaveAlone(r, res.status() == AgentResult.Status.NOT_RUNNING ? LocalState.STOPPED : LocalState.FAILED,
                                "monitor: " + describe(res), leftAlone.get(), out);
                    } else {
                        fail(r, "monitor: " + describe(res), scopeOf(res), nowEpochMs, out);
                    }
                }
            }
            case RELOAD -> {
                if (res.isOk()) {
                    local.set(r, LocalState.STARTED);
                    local.scheduleMonitor(r, nowMs);
                    out.add(new Effect.Note("reloaded " + r + " with its new parameters"));
                } else {
                    // Local whatever the code: a restart applies the new parameters too, and if they are
                    // wrong the start's own result says where it cannot run.
                    fail(r, "reload: " + describe(res), FailureScope.LOCAL, nowEpochMs, out);
                }
            }
            case START -> {
                if (res.isOk()) {
                    local.set(r, LocalState.STARTED);
                    local.scheduleMonitor(r, nowMs);
                    out.add(new Effect.Note("started " + r));
                } else {
                    fail(r, "start: " + describe(res), scopeOf(res), nowEpochMs, out);
                }
            }
            case PROMOTE -> {
                if (res.isOk()) {
                    local.set(r, LocalState.PROMOTED);
                    local.scheduleMonitor(r, nowMs);
                    out.add(new Effect.Note("promoted " + r + ": this node holds its primary role"));
                } else if (res.status() == AgentResult.Status.DECLINED) {
                    local.set(r, LocalState.STARTED);
                    local.scheduleMonitor(r, nowMs);
                    declined.declined(r, state.group(config.groupOf(r).id()).generation(), nowMs);
                    String why = self + " declined the primary role of " + r + ": " + res.detail();
                    JournalNote note = new JournalNote(nowEpochMs, "replication", why, List.of(self));
                    outbox.add(List.of(new Command.Journal(self, nowEpochMs, List.of(note))));
                    out.add(new Effect.Note(why + "; its replica runs on here"));
                } else {
                    fail(r, "promote: " + describe(res), scopeOf(res), nowEpochMs, out);
                }
            }
            case DEMOTE -> {
                if (res.isOk()) {
                    local.set(r, LocalState.STARTED);
                    local.scheduleMonitor(r, nowMs);
                    out.add(new Effect.Note("demoted " + r + ": a replica here now"));
                } else {
                    // Whether it still holds the role is unknown: stopped next, forced off if the stop fails too.
                    fail(r, "demote: " + describe(res), FailureScope.LOCAL, nowEpochMs, out);
                }
            }
            case STOP -> {
                if (res.status() == AgentResult.Status.OK || res.status() == AgentResult.Status.NOT_RUNNING) {
                    local.set(r, LocalState.STOPPED);
                    out.add(new Effect.Note("stopped " + r));
                } else {
                    // Escalate as a watchdog would, at resource granularity: end it by force (SIGKILL, address
                    // deleted). Only if that fails too is the node itself in doubt, and then fenced.
                    local.set(r, LocalState.STOP_FAILED);
                    stopFailures.put(r, "stop: " + describe(res));
                    out.add(new Effect.ForceOff(r));
                    out.add(new Effect.Note("STOP FAILED for " + r + " (" + describe(res) + "): forcing it off"));
                }
            }
            case NOTIFY -> { }
        }
        notifications.opDone(d, config.groupOf(r), nowMs, nowEpochMs, out::add);
    }

    void onScoreSet(NodeEvent.ScoreSet s) {
        scores.set(s);
    }

    void onForcedOff(NodeEvent.ForcedOff f, long nowEpochMs, List<Effect> out) {
        ResourceId r = f.resource();
        String stopFailure = stopFailures.remove(r);
        if (stopFailure == null || local.state(r) != LocalState.STOP_FAILED) return;
        if (f.ok()) {
            local.set(r, LocalState.STOPPED);
            outbox.failed(new Command.ResourceFailed(r, self, nowEpochMs, "stop failed, forced off: " + stopFailure + "; " + f.detail()));
            out.add(new Effect.Note("forced off " + r + ": " + f.detail()));
        } else {
            Command.ResourceFailed stuck = new Command.ResourceFailed(r, self, nowEpochMs, stopFailure + "; forcing off failed: " + f.detail(),
                    FailureScope.STUCK);
            stuckStops.put(r, stuck);
            out.add(new Effect.Note("STOP FAILED for " + r + " and forcing it off failed too (" + f.detail() + "): it may still"
                    + " be active, so it is held here until this node is fenced or an administrator cleans it up"));
        }
    }

    void onAgentFailed(NodeEvent.AgentFailed f, ClusterConfig config, ClusterState state, long nowEpochMs, List<Effect> out) {
        ResourceId r = f.resource();
        boolean stopping = local.inFlight(r).map(x -> x.op() == Operation.STOP).orElse(false);
        if (local.running(r) && !stopping) {
            Optional<String> leftAlone = handsOff.whyResource(state, config, r);
            if (leftAlone.isPresent()) leaveAlone(r, LocalState.FAILED, f.reason(), leftAlone.get(), out);
            else fail(r, f.reason(), FailureScope.LOCAL, nowEpochMs, out);
        }
    }

    /**
     * One step toward the committed state: maintenance entered or left, a pending config change stopped for
     * and switched to, every group started or stopped as its assignment and the lease allow, due monitors.
     *
     * @return the config to run from now on, when a committed change was switched to in this step
     */
    Optional<ClusterConfig> drive(ClusterConfig config, ClusterState state, QuorumKeeper.LeaseView lease, boolean caughtUp,
            boolean runsResources, long nowMs, long nowEpochMs, List<Effect> out) {
        handsOff.step(config, state, local, runsResources, out::add);
        // Hands off in maintenance (or of a group left alone), except when the lease is lost: "never run twice" outranks
        // "hands off", since the majority may meanwhile have ended maintenance and placed these groups elsewhere.
        boolean frozen = state.maintenance().on() && lease.mayKeep();
        Optional<ClusterConfig> switched = configSwitch.step(config, local, runsResources, out::add)
                .map(c -> switchConfig(c, runsResources, out));
        ClusterConfig now = switched.orElse(config);
        Set<ResourceId> held = configSwitch.held();
        if (runsResources) {
            for (GroupConfig g : frozen ? List.<GroupConfig>of() : now.groups()) {
                var committed = state.group(g.id());
                boolean assignedHere = committed.assigned().equals(Optional.of(self));
                boolean keep = assignedHere && lease.mayKeep();
                if (lease.mayKeep() && handsOff.of(state, g.id())) continue;
                // A group a pending config change is stopping or reloading is left to the change while it may
                // run here; once it may not (lease lost, moved away), stopping it all is what both want.
                if (keep && g.members().stream().anyMatch(held::contains)) continue;
                if (g.isPromotable()) {
                    boolean instanceHere = committed.instances().contains(self) || assignedHere;
                    // A replica is kept too: left to a pending change as the primary is, or it would start again
                    // what the change stops.
                    if (instanceHere && lease.mayKeep() && g.members().stream().anyMatch(held::contains)) continue;
                    var role = keep ? PromotableReconciler.Role.PRIMARY
                            : instanceHere && lease.mayKeep() ? PromotableReconciler.Role.REPLICA : PromotableReconciler.Role.NONE;
                    promotable.step(g, committed, role, assignedHere && lease.valid() && caughtUp, instanceHere && lease.valid() && caughtUp,
                            notifications.gate(now, g, state, lease.valid(), nowMs, nowEpochMs, out::add), nowMs, outbox, out::add);
                } else if (g.isClone()) {
                    boolean instanceHere = committed.instances().contains(self);
                    if (instanceHere && lease.mayKeep() && g.members().stream().anyMatch(held::contains)) continue;
                    reconciler.step(g, committed, instanceHere && lease.mayKeep(), instanceHere && lease.valid() && caughtUp,
                            new CloneReports(outbox, self, committed), out::add);
                } else {
                    reconciler.step(g, committed, keep, assignedHere && lease.valid() && caughtUp, outbox, out::add);
                }
            }
            for (var r : now.resources()) {
                if (local.monitorDue(r.id(), nowMs)) {
                    out.add(local.begin(r.id(), Operation.MONITOR));
                }
            }
            releaseRemovedGroups(now, state);
            scores.report(now, state, nowMs);
            if (!frozen) notifications.step(now, state, nowMs, out::add);
        }
        return switched;
    }

    /** Resources are armed with the guard before their operations run. */
    void arm(List<Effect> out) {
        arming.wrap(local, out);
    }

    /** Whether a stop here could be ended neither by the agent nor by force. */
    boolean hasStuckStops() {
        return !stuckStops.isEmpty();
    }

    Set<ResourceId> stuckStops() {
        return stuckStops.keySet();
    }

    /**
     * A stop that could not be forced either must reach the log, where it makes the coordinator fence this
     * node; a report lost to a failed proposal is made again (it is one condition, not a count).
     */
    void reportStuckStops(ClusterState state) {
        for (var e : stuckStops.entrySet()) {
            Command.ResourceFailed stuck = e.getValue();
            if (local.state(e.getKey()) != LocalState.STOP_FAILED) continue;
            if (!state.failures().contains(new FailureRecord(stuck.resource(), stuck.node(), stuck.atEpochMs(), stuck.detail(),
                    stuck.scope()))
                    && !outbox.holds(stuck)) {
                outbox.failed(stuck);
            }
        }
        stuckStops.keySet().removeIf(r -> local.state(r) != LocalState.STOP_FAILED);
    }

    long nextMonitorMs() {
        return local.nextMonitorMs();
    }

    Map<ResourceId, LocalState> snapshot() {
        return local.snapshot();
    }

    /**
     * A probe's surprise about a promoted member (see {@link RoleCheck#onProbe}) is a failure, which the reconciler takes
     * down; not where haven keeps its hands off.
     */
    private void foundReplica(ResourceId r, AgentResult res, GroupState group, boolean assignedHere, ClusterState state,
            long nowEpochMs, List<Effect> out) {
        RoleCheck.onProbe(res, group, assignedHere, self).ifPresent(why -> {
            outbox.failed(new Command.ResourceFailed(r, self, nowEpochMs, why));
            out.add(new Effect.Note(r + " " + why));
        });
    }

    /**
     * Maintenance (cluster-wide or this node's) or an unmanaged group: what an administrator does by hand is seen, not
     * undone. No failure is committed (it would count toward banning the node once hands are back on); handing back
     * probes again ({@link HandsOff}).
     */
    private void leaveAlone(ResourceId r, LocalState now, String why, String handsOff, List<Effect> out) {
        local.set(r, now);
        out.add(new Effect.Note(handsOff + ": " + r + " is " + now.label() + " (" + why + "); left as it is", Probe.MAINTENANCE_LEFT_ALONE));
    }

    private void fail(ResourceId r, String why, FailureScope scope, long nowEpochMs, List<Effect> out) {
        local.set(r, LocalState.FAILED);
        outbox.failed(new Command.ResourceFailed(r, self, nowEpochMs, why, scope));
        out.add(new Effect.Note("resource " + r + " failed: " + why + switch (scope) {
            case LOCAL, STUCK -> "";
            case NODE -> " (this node cannot run it)";
            case EVERYWHERE -> " (the config is wrong: no node can run it)";
        }));
    }

    private static FailureScope scopeOf(AgentResult r) {
        return switch (r.status()) {
            case CONFIG_ERROR -> FailureScope.NODE;
            case FATAL -> FailureScope.EVERYWHERE;
            default -> FailureScope.LOCAL;
        };
    }

    private static String describe(AgentResult r) {
        return r.status().name().toLowerCase(java.util.Locale.ROOT) + (r.detail().isBlank() ? "" : " (" + r.detail() + ")");
    }

    /**
     * Takes a committed config whose stops are done: the agents change first (the driver performs effects in
     * order), then what only needed new parameters reloads.
     */
    private ClusterConfig switchConfig(NodeEvent.ConfigChanged c, boolean runsResources, List<Effect> out) {
        ClusterConfig config = c.config();
        local.reconfigure(config);
        out.add(new Effect.UseConfig(config));
        out.add(new Effect.Note("now running config version " + c.version()));
        if (!runsResources) return config;
        for (ResourceId r : c.diff().reloaded()) {
            if (local.state(r) == LocalState.STARTED && !local.busy(r)) {
                out.add(local.begin(r, Operation.RELOAD));
                out.add(new Effect.Note("reloading " + r + ": only parameters its agent reloads changed"));
            }
        }
        return config;
    }

    /**
     * A group a config change removed was stopped here before the switch; once the coordinator has taken it
     * off this node, this node says so, and the cluster state forgets the node for it.
     */
    private void releaseRemovedGroups(ClusterConfig config, ClusterState state) {
        if (configSwitch.pending()) return;
        for (var e : state.groups().entrySet()) {
            var g = e.getValue();
            if (config.group(e.getKey()).isEmpty() && !g.assigned().equals(Optional.of(self)) && g.mayBeActive().contains(self)) {
                outbox.released(e.getKey(), g.generation());
            }
        }
    }
}
