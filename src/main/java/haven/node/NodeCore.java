package haven.node;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.FailureScope;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.Policy;
import haven.config.Quorum;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.executor.AgentResult;
import haven.executor.Operation;
import haven.scheduler.Plan;
import haven.scheduler.Scheduler;
import haven.scheduler.SchedulerInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One node's logic, sans I/O: events in, effects out. It keeps the quorum lease, drives this node's
 * resources toward the committed placement, reports what happened to the cluster log, and, while this
 * node leads the log, plans placement with the scheduler. Time is a parameter; one thread calls it.
 */
public final class NodeCore {
    /** The config this node runs now; a committed live change replaces it ({@link ConfigSwitch}). */
    private ClusterConfig config;
    private final ConfigSwitch configSwitch = new ConfigSwitch();
    private final NodeId self;
    private final Lease lease;
    private final LocalResources local;
    private final GroupReconciler reconciler;
    private final Outbox outbox;
    private final long lostAfterMs;
    /** Safety rules broken on purpose: only the simulator's mutation check passes any. */
    private final Set<SafetyRules.Broken> broken;
    /** How long a starting coordinator waits for every node before placing groups for the first time. */
    private final long coldStartGraceMs;

    private ClusterState state = ClusterState.EMPTY;
    private List<NodeId> members = List.of();
    private boolean haveView = false;
    private long firstViewAtMs = 0;
    private long viewsSeen = 0;
    private Optional<NodeId> leader = Optional.empty();
    private boolean isLeader = false;
    private Plan lastPlan = new Plan(List.of(), new TreeMap<>());
    private SchedulerInput lastPlanInput = null;
    private long lastPlanAtMs = 0;
    private boolean leaseValid = false;
    private final Arming arming = new Arming();
    private final FenceDuty fenceDuty;
    private final long guardSlackMs;
    static final long PLAN_AT_LEAST_EVERY_MS = 1_000;
    /** A witness votes and keeps the log, and never touches a resource, not even to probe. */
    private final boolean runsResources;
    private long guardDeadlineMs = Long.MIN_VALUE;
    private long lastStepMs = Long.MIN_VALUE;
    /** Whether one view ever held every configured node: from then on, no cold-start hold. */
    private boolean seenEveryNode = false;
    /** Resources whose stop failed and that are being forced off, with the stop's failure. */
    private final Map<ResourceId, String> stopFailures = new TreeMap<>();
    /** Resources that neither stopped nor could be forced off, with the report that asks for fencing. */
    private final Map<ResourceId, Command.ResourceFailed> stuckStops = new TreeMap<>();
    private boolean selfFencing = false;
    /** Ping nodes this node reaches, once the ping monitor has said (never, without ping nodes). */
    private Optional<Integer> reachable = Optional.empty();
    /** two_node mode's quorum (empty in majority mode). */
    private final Optional<PairQuorum> pair;
    private boolean holdingWithoutLease = false;
    /** Whether this node ever held the lease: before that it runs nothing a policy could keep. */
    private boolean everHeldLease = false;
    /**
     * Whether, since this node last became coordinator, one of its proposals has committed. Until then its
     * applied state may lack entries it holds from earlier terms (see {@link #reconcile}), so it does not plan.
     */
    private boolean termEntryCommitted = false;
    /** Proposals with this id or higher were made while this node was coordinator. */
    private long firstTermProposalId = Long.MAX_VALUE;
    /** Nodes out of the view whose lease has provably run out (what fencing acts on). */
    private Set<NodeId> leaseLost = Set.of();
    private final CoordinatorNotes notes;
    /** Whether the committed state was in maintenance mode at the last step (leaving it means: look again). */
    private boolean inMaintenance = false;

    public NodeCore(ClusterConfig config, NodeId self) {
        this(config, self, SafetyRules.of(config));
    }

    /**
     * The two numbers that keep a group from running twice: how many members make a quorum, and how long a
     * departed node's lease must be given to run out. Only the simulator's mutation check passes others, to
     * prove its checkers catch a broken rule.
     */
    public record SafetyRules(int majority, long lostAfterMs, Set<Broken> broken) {
        /** Rules the mutation check breaks on purpose (the daemon breaks none). */
        public enum Broken {
            /** The scheduler starts a group though another node may still run it. */
            MAY_BE_ACTIVE,
            /** no_quorum_policy freeze: a lost node's groups start elsewhere without fencing it first. */
            FREEZE_WITHOUT_FENCING,
            /** two_node: the survivor carries on alone though the fencing of its peer failed. */
            PAIR_WITHOUT_FENCING,
            /** A coordinator plans though a peer announces a newer state than it holds (it led before it froze). */
            STALE_COORDINATOR
        }

        public SafetyRules(int majority, long lostAfterMs) {
            this(majority, lostAfterMs, Set.of());
        }

        public static SafetyRules of(ClusterConfig config) {
            return new SafetyRules(config.majority(), config.timing().lease().toMillis() + config.timing().leaseMargin().toMillis());
        }
    }

    public NodeCore(ClusterConfig config, NodeId self, SafetyRules rules) {
        this.config = config;
        this.self = self;
        this.lease = new Lease(self, rules.majority(), config.timing().lease().toMillis());
        this.local = new LocalResources(config);
        this.reconciler = new GroupReconciler(self, local);
        this.outbox = new Outbox(self);
        this.lostAfterMs = rules.lostAfterMs();
        this.broken = rules.broken();
        this.coldStartGraceMs = 2 * config.timing().joinTimeout().toMillis();
        this.guardSlackMs = config.timing().leaseMargin().toMillis() / 2;
        this.runsResources = config.node(self).map(n -> !n.isWitness()).orElse(true);
        this.fenceDuty = new FenceDuty(config);
        this.pair = PairQuorum.of(config, self);
        this.notes = new CoordinatorNotes(self, config.nodeIds());
    }

    public List<Effect> step(NodeEvent event, long nowMs, long nowEpochMs) {
        return stepAll(List.of(event), nowMs, nowEpochMs);
    }

    /**
     * Takes in every event that has queued up, then decides once. Deciding only after the whole backlog
     * matters for the lease: heartbeats that arrived while the loop was busy must count before the loop
     * concludes that none came.
     */
    public List<Effect> stepAll(List<NodeEvent> events, long nowMs, long nowEpochMs) {
        List<Effect> out = new ArrayList<>();
        noticeFreeze(events, nowMs, out);
        for (NodeEvent e : events) {
            apply(e, nowMs, nowEpochMs, out);
        }
        reconcile(nowMs, nowEpochMs, out);
        arming.wrap(local, out);
        guardDeadline(nowMs).ifPresent(d -> out.add(0, d));
        return out;
    }

    /**
     * A gap between two steps longer than the lease is a freeze only if the receiving threads stood still too
     * (SIGSTOP, a VM paused): then no heartbeat was taken in during the gap. A slow loop on a busy machine
     * still has beats stamped inside it, and its lease stands.
     */
    private void noticeFreeze(List<NodeEvent> events, long nowMs, List<Effect> out) {
        long leaseMs = config.timing().lease().toMillis();
        long beatMs = config.timing().heartbeatInterval().toMillis();
        boolean gap = lastStepMs != Long.MIN_VALUE && nowMs - lastStepMs > leaseMs;
        boolean heardDuringGap = gap && events.stream().anyMatch(e -> e instanceof NodeEvent.Beat b
                && b.atMs() > lastStepMs + beatMs && b.atMs() < nowMs - beatMs);
        if (gap && !heardDuringGap) {
            lease.frozen(nowMs, 2 * config.timing().heartbeatInterval().toMillis());
            // What runs here may be stale: its guard may have forced it off. Probing it again keeps that from
            // counting as failures (which would soon ban the node). Its belief that it leads may be stale too;
            // caughtUpWithCoordinator covers that (found by the lab's pause bench).
            if (runsResources) reprobeAll();
            out.add(new Effect.Note("this node stood still for " + (nowMs - lastStepMs) + " ms (frozen or starved), longer than"
                    + " its lease: the lease is void until fresh heartbeats arrive", Probe.FROZEN_LEASE_VOIDED));
        }
        lastStepMs = nowMs;
    }

    private void apply(NodeEvent event, long nowMs, long nowEpochMs, List<Effect> out) {
        switch (event) {
            case NodeEvent.ViewChanged v -> onView(v, out);
            case NodeEvent.Beat b -> lease.beat(b.from(), b.viewKey(), b.members(), b.stateVersion(), b.atMs());
            case NodeEvent.StateChanged s -> {
                if (s.state().version() >= state.version()) state = s.state();
            }
            case NodeEvent.LeaderChanged l -> {
                leader = l.leader();
                if (l.self() && !isLeader) {
                    termEntryCommitted = false;
                    firstTermProposalId = outbox.nextProposalId();
                }
                isLeader = l.self();
                out.add(new Effect.Note("coordinator is " + leader.map(NodeId::name).orElse("(none)")));
            }
            case NodeEvent.OpDone d -> onOpDone(d, nowMs, nowEpochMs, out);
            case NodeEvent.AgentFailed f -> onAgentFailed(f, nowEpochMs, out);
            case NodeEvent.ProposalDone p -> {
                if (p.ok() && isLeader && p.proposalId() >= firstTermProposalId) termEntryCommitted = true;
                if (outbox.done(p.proposalId(), p.ok(), nowMs) && !p.ok()) {
                    out.add(new Effect.Note("proposal " + p.proposalId() + " not committed: " + p.error() + "; retrying", Probe.PROPOSAL_RETRIED));
                }
            }
            case NodeEvent.Reachability r -> reachable = Optional.of(r.reachable());
            case NodeEvent.ForcedOff f -> onForcedOff(f, nowEpochMs, out);
            case NodeEvent.FenceDone f -> {
                if (f.target().equals(self)) selfFencing = false; // still alive to hear it: the power-off failed
                fenceDuty.done(f.target(), f.ok(), nowMs);
                if (pair.isPresent() && f.target().equals(pair.get().peer())
                        && pair.get().fenceDone(f.ok() || broken.contains(SafetyRules.Broken.PAIR_WITHOUT_FENCING), nowMs)) {
                    lease.majority(pair.get().majority());
                    out.add(new Effect.ContinueAlone(f.target()));
                    out.add(new Effect.Note("two_node: " + f.target() + " is confirmed off; this node alone holds the quorum"));
                }
                outbox.add(List.of(new Command.Fenced(f.target(), self, nowEpochMs, f.ok(), f.summary())));
                out.add(new Effect.Note((f.ok() ? "fenced " : "FENCING FAILED for ") + f.target() + ": " + f.summary()));
            }
            case NodeEvent.Tick t -> { }
            case NodeEvent.ConfigChanged c -> {
                configSwitch.offer(c);
                out.add(new Effect.Note("config version " + c.version() + " committed: " + c.diff().summary()
                        + (c.diff().stopped().isEmpty() ? "" : "; stopping " + c.diff().stopped() + " here first where they run")));
            }
        }
    }

    private void onView(NodeEvent.ViewChanged v, List<Effect> out) {
        boolean joined = haveView && v.members().stream().anyMatch(m -> !members.contains(m));
        if (joined && runsResources) reprobeStopped(out);
        lease.viewChanged(v.viewKey(), v.members(), v.atMs());
        members = List.copyOf(v.members());
        if (members.containsAll(config.nodeIds())) seenEveryNode = true;
        pair.ifPresent(p -> p.viewChanged(members, seenEveryNode, v.atMs()));
        if (!haveView) firstViewAtMs = v.atMs();
        viewsSeen++;
        haveView = true;
        out.add(new Effect.Note("view " + v.members()));
    }

    private void reprobeAll() {
        for (var r : config.resources()) {
            if (!local.busy(r.id()) && local.state(r.id()) != LocalState.STOP_FAILED) local.set(r.id(), LocalState.UNKNOWN);
        }
    }

    /**
     * Members joined (a partition healed, a node came back): look again at what this node believes stopped.
     * Whatever was started behind the cluster's back meanwhile (by hand, by a stray script) is found and,
     * where its group is not assigned here, stopped: the extras go, the assigned instance stays.
     */
    private void reprobeStopped(List<Effect> out) {
        List<ResourceId> again = new ArrayList<>();
        for (var r : config.resources()) {
            if (local.state(r.id()) == LocalState.STOPPED && !local.busy(r.id())) {
                local.set(r.id(), LocalState.UNKNOWN);
                again.add(r.id());
            }
        }
        if (!again.isEmpty()) out.add(new Effect.Note("members joined: probing " + again + " again for instances started meanwhile", Probe.MEMBERS_JOINED_REPROBE));
    }

    private void onOpDone(NodeEvent.OpDone d, long nowMs, long nowEpochMs, List<Effect> out) {
        if (!local.finish(d.resource(), d.opId())) return;
        ResourceId r = d.resource();
        AgentResult res = d.result();
        LocalState before = local.state(r);
        switch (d.op()) {
            case MONITOR -> {
                if (before == LocalState.UNKNOWN) {
                    local.set(r, switch (res.status()) {
                        case OK -> LocalState.STARTED;
                        case NOT_RUNNING -> LocalState.STOPPED;
                        default -> LocalState.FAILED;
                    });
                    GroupState group = state.group(config.groupOf(r).id());
                    boolean assignedHere = group.assigned().equals(Optional.of(self));
                    if (res.isOk() && !assignedHere && !state.maintenance().on()) {
                        outbox.failed(new Command.ResourceFailed(r, self, nowEpochMs, "found active where its group is not assigned; stopping it"));
                        boolean stopAll = config.policy().multipleActive() == Policy.MultipleActive.STOP_ALL && group.assigned().isPresent();
                        if (stopAll) outbox.add(List.of(new Command.FoundActive(config.groupOf(r).id(), self, group.generation())));
                        out.add(new Effect.Note("found " + r + " active here although its group is not assigned here: stopping it"
                                + (stopAll ? ", and the instance on " + group.assigned().get() + " too (multiple_active: stop_all)" : "")));
                    }
                } else if (before == LocalState.STARTED) {
                    if (res.isOk()) {
                        local.scheduleMonitor(r, nowMs);
                    } else if (state.maintenance().on()) {
                        leaveAlone(r, res.status() == AgentResult.Status.NOT_RUNNING ? LocalState.STOPPED : LocalState.FAILED,
                                "monitor: " + describe(res), out);
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
        }
    }

    private void onForcedOff(NodeEvent.ForcedOff f, long nowEpochMs, List<Effect> out) {
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

    /**
     * A stop that could not be forced either must reach the log, where it makes the coordinator fence this
     * node; a report lost to a failed proposal is made again (it is one condition, not a count).
     */
    private void reportStuckStops() {
        for (var e : stuckStops.entrySet()) {
            Command.ResourceFailed stuck = e.getValue();
            if (local.state(e.getKey()) != LocalState.STOP_FAILED) continue;
            if (!state.failures().contains(new haven.cib.FailureRecord(stuck.resource(), stuck.node(), stuck.atEpochMs(), stuck.detail(),
                    stuck.scope()))
                    && !outbox.holds(stuck)) {
                outbox.failed(stuck);
            }
        }
        stuckStops.keySet().removeIf(r -> local.state(r) != LocalState.STOP_FAILED);
    }

    private void onAgentFailed(NodeEvent.AgentFailed f, long nowEpochMs, List<Effect> out) {
        ResourceId r = f.resource();
        boolean stopping = local.inFlight(r).map(x -> x.op() == Operation.STOP).orElse(false);
        if (local.state(r) == LocalState.STARTED && !stopping) {
            if (state.maintenance().on()) leaveAlone(r, LocalState.FAILED, f.reason(), out);
            else fail(r, f.reason(), FailureScope.LOCAL, nowEpochMs, out);
        }
    }

    /**
     * Maintenance mode: what an administrator does by hand is seen, not undone. No failure is committed (it
     * would count toward banning the node once maintenance ends); leaving maintenance probes everything again.
     */
    private void leaveAlone(ResourceId r, LocalState now, String why, List<Effect> out) {
        local.set(r, now);
        out.add(new Effect.Note("maintenance mode: " + r + " is " + now.label() + " (" + why + "); left as it is", Probe.MAINTENANCE_LEFT_ALONE));
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

    private void reconcile(long nowMs, long nowEpochMs, List<Effect> out) {
        boolean wasValid = leaseValid;
        boolean wasHolding = holdingWithoutLease;
        pair.ifPresent(p -> {
            if (p.phase() == PairQuorum.Phase.ALONE && lease.freshVersion(p.peer(), nowMs).isPresent()) {
                lease.lastBeatAtMs(p.peer()).ifPresent(p::peerHeard);
            }
            lease.majority(p.majority());
        });
        leaseValid = lease.valid(nowMs);
        everHeldLease |= leaseValid;
        holdingWithoutLease = !leaseValid && pair.map(p -> p.holdsWithoutLease(reachable)).orElse(keepsWithoutQuorum());
        if (wasValid && !leaseValid) {
            out.add(new Effect.Note(!holdingWithoutLease ? "quorum lease lost: stopping every resource here"
                    : pair.isPresent() ? "two_node: no beats from " + pair.get().peer() + ": keeping what runs here, starting"
                            + " nothing; fencing it once it leaves the view"
                    : "quorum lease lost: keeping what runs here, starting nothing (no_quorum_policy "
                            + config.quorum().noQuorumPolicy().word() + ")",
                    holdingWithoutLease && pair.isEmpty() ? java.util.Optional.of(Probe.FREEZE_KEPT_SERVICES) : java.util.Optional.empty()));
        } else if (!wasValid && leaseValid) {
            out.add(new Effect.Note("quorum lease held"));
        } else if (wasHolding && !holdingWithoutLease && !leaseValid) {
            out.add(new Effect.Note("two_node: no ping node answers, so the fault is this node's uplink: stopping every resource here"));
        }
        boolean caughtUp = caughtUpWithCoordinator(nowMs);
        boolean maintenance = state.maintenance().on();
        if (inMaintenance && !maintenance && runsResources) {
            reprobeAll();
            out.add(new Effect.Note("maintenance mode ended: probing every resource, then reconciling to the cluster state", Probe.MAINTENANCE_ENDED));
        }
        inMaintenance = maintenance;
        // Hands off in maintenance, except when the lease is lost: "never run twice" outranks "hands off", since
        // the majority may meanwhile have ended maintenance and placed these groups elsewhere.
        boolean handsOff = maintenance && (leaseValid || holdingWithoutLease);
        configSwitch.step(config, local, runsResources, out::add).ifPresent(c -> switchConfig(c, out));
        Set<ResourceId> held = configSwitch.held();
        if (runsResources) {
            for (GroupConfig g : handsOff ? List.<GroupConfig>of() : config.groups()) {
                var committed = state.group(g.id());
                boolean assignedHere = committed.assigned().equals(Optional.of(self));
                boolean keep = assignedHere && (leaseValid || holdingWithoutLease);
                // A group a pending config change is stopping or reloading is left to the change while it may
                // run here; once it may not (lease lost, moved away), stopping it all is what both want.
                if (keep && g.members().stream().anyMatch(held::contains)) continue;
                reconciler.step(g, committed, keep, assignedHere && leaseValid && caughtUp, outbox, out::add);
            }
            for (var r : config.resources()) {
                if (local.monitorDue(r.id(), nowMs)) {
                    out.add(local.begin(r.id(), Operation.MONITOR));
                }
            }
            releaseRemovedGroups();
        }
        reachable.filter(n -> !n.equals(state.connectivity().get(self))).ifPresent(outbox::connectivity);
        notes.step(isLeader, leaseValid, members, nowEpochMs).ifPresent(j -> outbox.add(List.of(j)));
        reportStuckStops();
        SchedulerInput input = schedulerInput(nowMs, nowEpochMs);
        if (planIsStale(input, nowMs)) {
            lastPlan = Scheduler.plan(input);
            lastPlanInput = input;
            lastPlanAtMs = nowMs;
        }
        if (isLeader && leaseValid && !stuckStops.isEmpty() && !selfFencing && config.fencing().map(t -> t.canFence(self.name())).orElse(false)) {
            // No other node fences the coordinator while it leads; a stop here that nothing can end leaves it
            // to power itself off. The others then find it lost, with nothing of it left running.
            selfFencing = true;
            out.add(new Effect.Fence(self, "self-fence: the stop of " + stuckStops.keySet() + " cannot be ended, not even by SIGKILL"));
            out.add(new Effect.Note("fencing itself: the stop of " + stuckStops.keySet() + " cannot be ended"));
        }
        if (pair.isPresent()) {
            pair.get().fenceDue(state, reachable, nowMs).ifPresent(why -> {
                out.add(new Effect.Fence(pair.get().peer(), why));
                out.add(new Effect.Note("fencing " + pair.get().peer() + ": " + why));
            });
        }
        if (isLeader && leaseValid) {
            // In two_node mode the fence race above owns a lost peer; the coordinator still fences for a stuck stop.
            Set<NodeId> lostToFence = new TreeSet<>(leaseLost);
            pair.ifPresent(p -> lostToFence.remove(p.peer()));
            for (var due : fenceDuty.due(state, lostToFence, self, nowMs)) {
                out.add(new Effect.Fence(due.getKey(), due.getValue()));
                out.add(new Effect.Note("fencing " + due.getKey() + ": " + due.getValue()));
            }
        }
        if (isLeader && leaseValid && !termEntryCommitted && outbox.idle(nowMs, state.version()) && !outbox.hasPending()) {
            // A new Raft leader commits entries of earlier terms only together with one of its own term, and
            // jgroups-raft appends none on election: a coordinator holding entries it has not applied (its commit
            // held back, or the leader lost before saying) would plan on a stale state, or wait behind its peers
            // forever. An empty entry of its term commits them. (CTS: coordinators that never planned after
            // the leader was lost or the whole cluster restarted.)
            out.add(new Effect.Note("coordinator: committing an empty entry of its own term before planning"));
            out.add(outbox.propose(state.version()));
        }
        if (isLeader && leaseValid && termEntryCommitted && !behindAPeer(nowMs) && outbox.idle(nowMs, state.version())
                && !outbox.hasPending()) {
            if (!lastPlan.commands().isEmpty()) {
                outbox.add(lastPlan.commands());
                out.add(new Effect.Note("coordinator plans " + lastPlan.commands()));
            }
        }
        if (outbox.idle(nowMs, state.version()) && outbox.hasPending() && haveView) {
            out.add(outbox.propose(state.version()));
        }
    }

    /**
     * Takes a committed config whose stops are done: the agents change first (the driver performs effects in
     * order), then what only needed new parameters reloads. Planning starts afresh, since the groups changed.
     */
    private void switchConfig(NodeEvent.ConfigChanged c, List<Effect> out) {
        config = c.config();
        local.reconfigure(config);
        lastPlanInput = null;
        out.add(new Effect.UseConfig(config));
        out.add(new Effect.Note("now running config version " + c.version()));
        if (!runsResources) return;
        for (ResourceId r : c.diff().reloaded()) {
            if (local.state(r) == LocalState.STARTED && !local.busy(r)) {
                out.add(local.begin(r, Operation.RELOAD));
                out.add(new Effect.Note("reloading " + r + ": only parameters its agent reloads changed"));
            }
        }
    }

    /**
     * A group a config change removed was stopped here before the switch; once the coordinator has taken it
     * off this node, this node says so, and the cluster state forgets the node for it.
     */
    private void releaseRemovedGroups() {
        if (configSwitch.pending()) return;
        for (var e : state.groups().entrySet()) {
            var g = e.getValue();
            if (config.group(e.getKey()).isEmpty() && !g.assigned().equals(Optional.of(self)) && g.mayBeActive().contains(self)) {
                outbox.released(e.getKey(), g.generation());
            }
        }
    }

    /**
     * Planning is pure and most steps (ticks, beats) change none of its inputs: plan again when the state,
     * the members, the lost nodes or the cold-start hold changed, and at least every second for what only
     * time changes (failures ageing out of their window).
     */
    private boolean planIsStale(SchedulerInput input, long nowMs) {
        SchedulerInput last = lastPlanInput;
        return last == null || last.state() != input.state() || !last.online().equals(input.online())
                || !last.lost().equals(input.lost()) || last.holdFirstPlacement() != input.holdFirstPlacement()
                || nowMs - lastPlanAtMs >= PLAN_AT_LEAST_EVERY_MS;
    }

    /**
     * While the lease holds, the guard's deadline follows its end (plus half the margin, which the
     * coordinator adds on top of the lease before it restarts resources elsewhere). Once the lease is lost
     * the deadline stays put: whatever this node has not stopped by then, the guard ends by force.
     */
    private Optional<Effect.GuardDeadline> guardDeadline(long nowMs) {
        if (holdingWithoutLease) {
            // No lease to follow: the daemon alive and stepping is what keeps the services. A frozen daemon lets
            // the deadline pass within about a lease; the peer is fencing this node meanwhile anyway.
            long leaseMs = config.timing().lease().toMillis();
            if (guardDeadlineMs - nowMs > leaseMs / 2) return Optional.empty();
            guardDeadlineMs = nowMs + leaseMs + guardSlackMs;
            return Optional.of(new Effect.GuardDeadline(guardDeadlineMs));
        }
        if (!leaseValid) return Optional.empty();
        long until = lease.validUntil(nowMs).orElse(nowMs) + guardSlackMs;
        if (until == guardDeadlineMs) return Optional.empty();
        guardDeadlineMs = until;
        return Optional.of(new Effect.GuardDeadline(until));
    }

    /**
     * A node that was away may hold an old state that still names it; it starts nothing until it has
     * applied at least the version the coordinator announces. What already runs keeps running under the
     * lease meanwhile, so a coordinator change does not stop healthy groups.
     */
    private boolean caughtUpWithCoordinator(long nowMs) {
        // A node that led before it froze still believes it leads until the cluster says otherwise; a peer
        // announcing a newer state unmasks it.
        if (isLeader) return !behindAPeer(nowMs);
        return leader.flatMap(l -> lease.freshVersion(l, nowMs)).map(v -> state.version() >= v).orElse(false);
    }

    /**
     * A newly elected coordinator may not yet have applied every committed entry that a follower has: it
     * plans only once its own state is at least as new as every peer announces.
     */
    private boolean behindAPeer(long nowMs) {
        if (broken.contains(SafetyRules.Broken.STALE_COORDINATOR)) return false;
        return members.stream().filter(m -> !m.equals(self))
                .anyMatch(m -> lease.freshVersion(m, nowMs).map(v -> v > state.version()).orElse(false));
    }

    /**
     * no_quorum_policy freeze or ignore: a node that lost its quorum keeps what it runs (stop, the default,
     * ends it within the lease). Two_node mode has its own rule ({@link PairQuorum}).
     */
    private boolean keepsWithoutQuorum() {
        return config.quorum().noQuorumPolicy() != Quorum.NoQuorumPolicy.STOP && everHeldLease && runsResources;
    }

    private SchedulerInput schedulerInput(long nowMs, long nowEpochMs) {
        TreeSet<NodeId> online = new TreeSet<>(members);
        online.retainAll(config.nodeIds());
        TreeSet<NodeId> lost = haveView ? new TreeSet<>(lease.lost(config.nodeIds(), nowMs, lostAfterMs)) : new TreeSet<>();
        if (online.containsAll(config.nodeIds())) seenEveryNode = true;
        leaseLost = Set.copyOf(lost);
        // freeze: a lost node keeps running what it ran, so its lease proves nothing; only a confirmed fencing
        // (a committed Fenced, which frees its groups) lets its groups start elsewhere.
        if (config.quorum().noQuorumPolicy() == Quorum.NoQuorumPolicy.FREEZE && pair.isEmpty()
                && !broken.contains(SafetyRules.Broken.FREEZE_WITHOUT_FENCING)) lost.clear();
        // wait_for_all: the first placement waits for every node however long it takes, not only for the grace.
        boolean coldStart = !seenEveryNode && (config.quorum().waitForAll() || nowMs - firstViewAtMs < coldStartGraceMs);
        return SchedulerInput.of(config, state, online, lost, nowEpochMs).holdingFirstPlacement(coldStart)
                .ignoringMayBeActive(broken.contains(SafetyRules.Broken.MAY_BE_ACTIVE));
    }

    public NodeStatus status() {
        return new NodeStatus(config, self, state, members, leader, leaseValid, local.snapshot(), lastPlan.explanations(),
                viewsSeen);
    }
}
