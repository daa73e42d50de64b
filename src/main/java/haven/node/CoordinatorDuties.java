package haven.node;

import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.scheduler.Plan;
import haven.scheduler.Scheduler;
import haven.scheduler.SchedulerInput;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What this node does while it leads the cluster log: plan placement from committed state, commit an entry
 * of its own term before planning, fence lost nodes that may still run something (and itself, when a stop
 * here cannot be ended), and journal what the log would not otherwise show. Every node plans, so that
 * `haven why` explains placement anywhere; only the coordinator proposes the plan. A follower plans again when
 * an input changes and otherwise every {@link #FOLLOWER_PLAN_AT_LEAST_EVERY_MS}, not every second: its plan
 * only explains, and planning is the largest part of an idle step that grows with the groups.
 */
final class CoordinatorDuties {
    static final long PLAN_AT_LEAST_EVERY_MS = 1_000;
    /** What only time changes (a failure ageing out of its window) reaches a follower's explanations this late. */
    static final long FOLLOWER_PLAN_AT_LEAST_EVERY_MS = 10_000;

    private final NodeId self;
    private final Outbox outbox;
    private final FenceDuty fenceDuty;
    private final CoordinatorNotes notes;
    /** How long a starting coordinator waits for every node before placing groups for the first time. */
    private final long coldStartGraceMs;

    private Optional<NodeId> leader = Optional.empty();
    private boolean isLeader = false;
    /**
     * Whether, since this node last became coordinator, one of its proposals has committed. Until then its
     * applied state may lack entries it holds from earlier terms (see {@link #step}), so it does not plan.
     */
    private boolean termEntryCommitted = false;
    /** Proposals with this id or higher were made while this node was coordinator. */
    private long firstTermProposalId = Long.MAX_VALUE;
    private Plan lastPlan = new Plan(List.of(), new TreeMap<>());
    private SchedulerInput lastPlanInput = null;
    private long lastPlanAtMs = 0;
    private boolean selfFencing = false;
    /** Safety rules broken on purpose: only the simulator's mutation check passes any. */
    private final Set<NodeCore.SafetyRules.Broken> broken;

    CoordinatorDuties(ClusterConfig config, NodeId self, Outbox outbox, Set<NodeCore.SafetyRules.Broken> broken) {
        this.self = self;
        this.broken = broken;
        this.outbox = outbox;
        this.fenceDuty = new FenceDuty(config);
        this.notes = new CoordinatorNotes(self, config.nodeIds());
        this.coldStartGraceMs = 2 * config.timing().joinTimeout().toMillis();
    }

    void leaderChanged(NodeEvent.LeaderChanged l, List<Effect> out) {
        leader = l.leader();
        if (l.self() && !isLeader) {
            termEntryCommitted = false;
            firstTermProposalId = outbox.nextProposalId();
            lastPlanInput = null; // a follower's plan may be seconds old: a coordinator proposes only a fresh one
        }
        isLeader = l.self();
        out.add(new Effect.Note("coordinator is " + leader.map(NodeId::name).orElse("(none)")));
    }

    void proposalDone(NodeEvent.ProposalDone p) {
        if (p.ok() && isLeader && p.proposalId() >= firstTermProposalId) termEntryCommitted = true;
    }

    void fenceDone(NodeEvent.FenceDone f, long nowMs) {
        if (f.target().equals(self)) selfFencing = false; // still alive to hear it: the power-off failed
        fenceDuty.done(f.target(), f.ok(), nowMs);
    }

    /** The groups changed: plan afresh rather than on the old config's input. */
    void configSwitched() {
        lastPlanInput = null;
    }

    Optional<NodeId> leader() {
        return leader;
    }

    Plan lastPlan() {
        return lastPlan;
    }

    /**
     * A node that was away may hold an old state that still names it; it starts nothing until it has
     * applied at least the version the coordinator announces. What already runs keeps running under the
     * lease meanwhile, so a coordinator change does not stop healthy groups.
     */
    boolean caughtUpWithCoordinator(ClusterState state, List<NodeId> members, QuorumKeeper quorum, long nowMs) {
        // A node that led before it froze still believes it leads until the cluster says otherwise; a peer
        // announcing a newer state unmasks it.
        if (isLeader) return !behindAPeer(state, members, quorum, nowMs);
        return leader.flatMap(l -> quorum.freshVersion(l, nowMs)).map(v -> state.version() >= v).orElse(false);
    }

    /** The coordinator's part of one step, after this node's own resources were driven. */
    void step(ClusterConfig config, ClusterState state, List<NodeId> members, QuorumKeeper quorum, LocalControl control,
            long nowMs, long nowEpochMs, List<Effect> out) {
        QuorumKeeper.LeaseView lease = quorum.view();
        notes.step(isLeader, lease.valid(), members, nowEpochMs).ifPresent(j -> outbox.add(List.of(j)));
        control.reportStuckStops(state);
        Set<NodeId> leaseLost = Set.copyOf(quorum.lost(nowMs));
        SchedulerInput input = schedulerInput(config, state, members, quorum, leaseLost, nowMs, nowEpochMs);
        if (planIsStale(input, nowMs)) {
            lastPlan = Scheduler.plan(input);
            lastPlanInput = input;
            lastPlanAtMs = nowMs;
        }
        Set<ResourceId> stuck = control.stuckStops();
        if (isLeader && lease.valid() && control.hasStuckStops() && !selfFencing
                && config.fencing().map(t -> t.canFence(self.name())).orElse(false)) {
            // No other node fences the coordinator while it leads; a stop here that nothing can end leaves it
            // to power itself off. The others then find it lost, with nothing of it left running.
            selfFencing = true;
            out.add(new Effect.Fence(self, "self-fence: the stop of " + stuck + " cannot be ended, not even by SIGKILL"));
            out.add(new Effect.Note("fencing itself: the stop of " + stuck + " cannot be ended"));
        }
        quorum.pair().ifPresent(p -> p.fenceDue(state, quorum.reachable(), nowMs).ifPresent(why -> {
            out.add(new Effect.Fence(p.peer(), why));
            out.add(new Effect.Note("fencing " + p.peer() + ": " + why));
        }));
        if (isLeader && lease.valid()) {
            // In two_node mode the fence race above owns a lost peer; the coordinator still fences for a stuck stop.
            Set<NodeId> lostToFence = new TreeSet<>(leaseLost);
            quorum.pair().ifPresent(p -> lostToFence.remove(p.peer()));
            for (var due : fenceDuty.due(state, lostToFence, self, nowMs)) {
                out.add(new Effect.Fence(due.getKey(), due.getValue()));
                out.add(new Effect.Note("fencing " + due.getKey() + ": " + due.getValue()));
            }
        }
        if (isLeader && lease.valid() && !termEntryCommitted && outbox.idle(nowMs, state.version()) && !outbox.hasPending()) {
            // A new Raft leader commits entries of earlier terms only together with one of its own term, and
            // jgroups-raft appends none on election: a coordinator holding entries it has not applied (its commit
            // held back, or the leader lost before saying) would plan on a stale state, or wait behind its peers
            // forever. An empty entry of its term commits them. (CTS: coordinators that never planned after
            // the leader was lost or the whole cluster restarted.)
            out.add(new Effect.Note("coordinator: committing an empty entry of its own term before planning"));
            out.add(outbox.propose(state.version()));
        }
        if (isLeader && lease.valid() && termEntryCommitted && !behindAPeer(state, members, quorum, nowMs)
                && outbox.idle(nowMs, state.version()) && !outbox.hasPending()) {
            if (!lastPlan.commands().isEmpty()) {
                outbox.add(lastPlan.commands());
                out.add(new Effect.Note("coordinator plans " + lastPlan.commands()));
            }
        }
    }

    /**
     * Planning is pure and most steps (ticks, beats) change none of its inputs: plan again when the state,
     * the members, the lost nodes or the cold-start hold changed, and for what only time changes (failures
     * ageing out of their window) at least every second on the coordinator, every ten on a follower.
     */
    private boolean planIsStale(SchedulerInput input, long nowMs) {
        SchedulerInput last = lastPlanInput;
        return last == null || last.state() != input.state() || !last.online().equals(input.online())
                || !last.lost().equals(input.lost()) || last.holdFirstPlacement() != input.holdFirstPlacement()
                || nowMs - lastPlanAtMs >= (isLeader ? PLAN_AT_LEAST_EVERY_MS : FOLLOWER_PLAN_AT_LEAST_EVERY_MS);
    }

    /**
     * A newly elected coordinator may not yet have applied every committed entry that a follower has: it
     * plans only once its own state is at least as new as every peer announces.
     */
    private boolean behindAPeer(ClusterState state, List<NodeId> members, QuorumKeeper quorum, long nowMs) {
        if (broken.contains(NodeCore.SafetyRules.Broken.STALE_COORDINATOR)) return false;
        return members.stream().filter(m -> !m.equals(self))
                .anyMatch(m -> quorum.freshVersion(m, nowMs).map(v -> v > state.version()).orElse(false));
    }

    private SchedulerInput schedulerInput(ClusterConfig config, ClusterState state, List<NodeId> members, QuorumKeeper quorum,
            Set<NodeId> leaseLost, long nowMs, long nowEpochMs) {
        TreeSet<NodeId> online = new TreeSet<>(members);
        online.retainAll(config.nodeIds());
        TreeSet<NodeId> lost = new TreeSet<>(leaseLost);
        // freeze: a lost node keeps running what it ran, so its lease proves nothing; only a confirmed fencing
        // (a committed Fenced, which frees its groups) lets its groups start elsewhere.
        if (config.quorum().noQuorumPolicy() == haven.config.Quorum.NoQuorumPolicy.FREEZE && quorum.pair().isEmpty()
                && !broken.contains(NodeCore.SafetyRules.Broken.FREEZE_WITHOUT_FENCING)) lost.clear();
        boolean coldStart = quorum.holdFirstPlacement(online, nowMs, coldStartGraceMs);
        return SchedulerInput.of(config, state, online, lost, nowEpochMs).holdingFirstPlacement(coldStart)
                .ignoringMayBeActive(broken.contains(NodeCore.SafetyRules.Broken.MAY_BE_ACTIVE));
    }
}
