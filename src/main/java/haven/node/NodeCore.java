package haven.node;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One node's logic, sans I/O: events in, effects out. Three parts share each step: the {@link QuorumKeeper}
 * (may this node act: the lease, two_node's pair, the guard's deadline), {@link LocalControl} (drive this
 * node's resources toward the committed placement) and {@link CoordinatorDuties} (plan and fence while this
 * node leads the log). Time is a parameter; one thread calls it.
 */
public final class NodeCore {
    /** The config this node runs now; a committed live change replaces it. */
    private ClusterConfig config;
    private final NodeId self;
    /** A witness votes and keeps the log, and never touches a resource, not even to probe. */
    private final boolean runsResources;
    private final Outbox outbox;
    private final QuorumKeeper quorum;
    private final LocalControl control;
    private final CoordinatorDuties coordinator;

    private ClusterState state = ClusterState.EMPTY;
    private List<NodeId> members = List.of();
    private long viewsSeen = 0;

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
            STALE_COORDINATOR,
            /** A promotion of a group with notifications goes ahead without its pre-promote round. */
            PROMOTE_UNANNOUNCED
        }

        public SafetyRules(int majority, long lostAfterMs) {
            this(majority, lostAfterMs, Set.of());
        }

        /**
         * A lost node's groups start elsewhere once lease + two and a half margins have passed since the last
         * moment any member of the view could renew its lease ({@code Lease.renewableUntilMs}): its guard acts
         * two margins after its lease's end ({@code Timing.guardSlack}), half a margin before.
         */
        public static SafetyRules of(ClusterConfig config) {
            return new SafetyRules(config.majority(), config.timing().lostAfter().toMillis());
        }
    }

    public NodeCore(ClusterConfig config, NodeId self, SafetyRules rules) {
        this.config = config;
        this.self = self;
        this.runsResources = config.node(self).map(n -> !n.isWitness()).orElse(true);
        this.outbox = new Outbox(self);
        this.quorum = new QuorumKeeper(config, self, rules, runsResources);
        this.control = new LocalControl(config, self, outbox, rules.broken().contains(SafetyRules.Broken.PROMOTE_UNANNOUNCED));
        this.coordinator = new CoordinatorDuties(config, self, outbox, rules.broken());
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
        // What runs here may be stale after a freeze: its guard may have forced it off. Probing it again keeps
        // that from counting as failures (which would soon ban the node). Its belief that it leads may be stale
        // too; caughtUpWithCoordinator covers that (found by the lab's pause bench).
        if (quorum.noticeFreeze(events, nowMs, out) && runsResources) control.reprobeAll(config);
        for (NodeEvent e : events) {
            apply(e, nowMs, nowEpochMs, out);
        }
        reconcile(nowMs, nowEpochMs, out);
        control.arm(out);
        quorum.guardDeadline(nowMs).ifPresent(d -> out.add(0, d));
        return out;
    }

    private void apply(NodeEvent event, long nowMs, long nowEpochMs, List<Effect> out) {
        switch (event) {
            case NodeEvent.ViewChanged v -> onView(v, out);
            case NodeEvent.Beat b -> quorum.beat(b);
            case NodeEvent.StateChanged s -> {
                if (s.state().version() >= state.version()) state = s.state();
            }
            case NodeEvent.LeaderChanged l -> coordinator.leaderChanged(l, out);
            case NodeEvent.OpDone d -> control.onOpDone(d, config, state, nowMs, nowEpochMs, out);
            case NodeEvent.AgentFailed f -> control.onAgentFailed(f, config, state, nowEpochMs, out);
            case NodeEvent.ScoreSet s -> control.onScoreSet(s);
            case NodeEvent.ProposalDone p -> {
                coordinator.proposalDone(p);
                if (outbox.done(p.proposalId(), p.ok(), nowMs) && !p.ok()) {
                    out.add(new Effect.Note("proposal " + p.proposalId() + " not committed: " + p.error() + "; retrying", Probe.PROPOSAL_RETRIED));
                }
            }
            case NodeEvent.Reachability r -> quorum.reachable(r.reachable());
            case NodeEvent.ForcedOff f -> control.onForcedOff(f, nowEpochMs, out);
            case NodeEvent.FenceDone f -> {
                coordinator.fenceDone(f, nowMs);
                quorum.fenceDone(f, nowMs, out);
                outbox.add(List.of(new Command.Fenced(f.target(), self, nowEpochMs, f.ok(), f.summary())));
                out.add(new Effect.Note((f.ok() ? "fenced " : "FENCING FAILED for ") + f.target() + ": " + f.summary()));
            }
            case NodeEvent.Tick t -> { }
            case NodeEvent.ConfigChanged c -> control.offerConfig(c, out);
        }
    }

    private void onView(NodeEvent.ViewChanged v, List<Effect> out) {
        boolean joined = quorum.haveView() && v.members().stream().anyMatch(m -> !members.contains(m));
        if (joined && runsResources) control.reprobeStopped(config, out);
        quorum.viewChanged(v);
        members = List.copyOf(v.members());
        viewsSeen++;
        out.add(new Effect.Note("view " + v.members()));
    }

    private void reconcile(long nowMs, long nowEpochMs, List<Effect> out) {
        QuorumKeeper.LeaseView lease = quorum.evaluate(nowMs, out);
        boolean caughtUp = coordinator.caughtUpWithCoordinator(state, members, quorum, nowMs);
        Optional<ClusterConfig> switched = control.drive(config, state, lease, caughtUp, runsResources, nowMs, nowEpochMs, out);
        if (switched.isPresent()) {
            config = switched.get();
            coordinator.configSwitched();
        }
        quorum.reachable().filter(n -> !n.equals(state.connectivity().get(self))).ifPresent(outbox::connectivity);
        coordinator.step(config, state, members, quorum, control, nowMs, nowEpochMs, out);
        if (outbox.idle(nowMs, state.version()) && outbox.hasPending() && quorum.haveView()) {
            out.add(outbox.propose(state.version()));
        }
    }

    /**
     * When this node must step again if no event comes before: where time alone would change a decision (the
     * lease's give-up point, the next monitor). MIN_VALUE while it holds no lease: it is regaining or giving
     * one up, and every beat and tick counts. Other timers (retries, planning at least once a second, fencing
     * delays) follow events that keep the loop busy ({@link Stepping}); between those, a late tick delays them
     * by at most {@link Stepping#QUIET_TICK_MS}.
     */
    public long decideByMs(long nowMs) {
        long lease = quorum.leaseDecisionMs(nowMs);
        if (lease == Long.MIN_VALUE) return Long.MIN_VALUE;
        return Math.min(lease, control.nextMonitorMs());
    }

    public NodeStatus status() {
        return new NodeStatus(config, self, state, members, coordinator.leader(), quorum.view().valid(), control.snapshot(),
                coordinator.lastPlan().explanations(), viewsSeen);
    }
}
