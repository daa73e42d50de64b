package haven.node;

import haven.config.ClusterConfig;
import haven.config.Quorum;
import haven.core.NodeId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;

/**
 * May this node act? It keeps the quorum lease (majority mode) or the two_node pair's state, notices that the
 * node itself stood still, and keeps the guard's deadline at the lease's end. {@link #evaluate} gives the one
 * {@link LeaseView} that every decision of a step reads, so no two parts of a step can disagree on it.
 */
final class QuorumKeeper {
    private final ClusterConfig config;
    private final Lease lease;
    /** two_node mode's quorum (empty in majority mode). */
    private final Optional<PairQuorum> pair;
    private final boolean runsResources;
    /**
     * {@link haven.config.Timing#guardSlack}: with the stop lead below, this node's own stop has up to two and a
     * half margins (250 ms by default; the lab's nginx and address took 140 ms, and longer on a loaded machine)
     * before the guard acts; the coordinator waits two and a half margins past the lease
     * ({@link NodeCore.SafetyRules#of}), which leaves the guard's force-off half a margin.
     */
    private final long guardSlackMs;
    /**
     * How long before its lease runs out this node starts stopping: its own stop (a service's, then its
     * address's; 140 ms in the lab) must end before the guard's deadline, or the guard forces off a healthy
     * daemon's resources ({@link haven.config.Timing#stopLead}).
     */
    private final long stopLeadMs;
    private final long lostAfterMs;
    /** Safety rules broken on purpose: only the simulator's mutation check passes any. */
    private final Set<NodeCore.SafetyRules.Broken> broken;

    private boolean leaseValid = false;
    private boolean holdingWithoutLease = false;
    /** Whether this node ever held the lease: before that it runs nothing a policy could keep. */
    private boolean everHeldLease = false;
    /** Ping nodes this node reaches, once the ping monitor has said (never, without ping nodes). */
    private Optional<Integer> reachable = Optional.empty();
    private long guardDeadlineMs = Long.MIN_VALUE;
    private long lastStepMs = Long.MIN_VALUE;
    private boolean haveView = false;
    private long firstViewAtMs = 0;
    /** Whether one view ever held every configured node: from then on, no cold-start hold. */
    private boolean seenEveryNode = false;

    /** What the quorum allows in this step. */
    record LeaseView(boolean valid, boolean holdingWithoutLease) {
        /** Whether what runs here may go on running. */
        boolean mayKeep() {
            return valid || holdingWithoutLease;
        }
    }

    QuorumKeeper(ClusterConfig config, NodeId self, NodeCore.SafetyRules rules, boolean runsResources) {
        this.config = config;
        this.lease = new Lease(self, rules.majority(), config.timing().lease().toMillis());
        this.pair = PairQuorum.of(config, self);
        this.runsResources = runsResources;
        this.guardSlackMs = config.timing().guardSlack().toMillis();
        this.stopLeadMs = config.timing().stopLead().toMillis();
        this.lostAfterMs = rules.lostAfterMs();
        this.broken = rules.broken();
    }

    /**
     * A gap between two steps longer than the lease is a freeze only if the receiving threads stood still too
     * (SIGSTOP, a VM paused): then no heartbeat was taken in during the gap. A slow loop on a busy machine
     * still has beats stamped inside it, and its lease stands.
     *
     * @return whether this node stood still (what it runs may be stale: its guard may have forced it off)
     */
    boolean noticeFreeze(List<NodeEvent> events, long nowMs, List<Effect> out) {
        long leaseMs = config.timing().lease().toMillis();
        long beatMs = config.timing().heartbeatInterval().toMillis();
        boolean gap = lastStepMs != Long.MIN_VALUE && nowMs - lastStepMs > leaseMs;
        boolean heardDuringGap = gap && events.stream().anyMatch(e -> e instanceof NodeEvent.Beat b
                && b.atMs() > lastStepMs + beatMs && b.atMs() < nowMs - beatMs);
        boolean frozen = gap && !heardDuringGap;
        if (frozen) {
            lease.frozen(nowMs, 2 * config.timing().heartbeatInterval().toMillis());
            out.add(new Effect.Note("this node stood still for " + (nowMs - lastStepMs) + " ms (frozen or starved), longer than"
                    + " its lease: the lease is void until fresh heartbeats arrive", Probe.FROZEN_LEASE_VOIDED));
        }
        lastStepMs = nowMs;
        return frozen;
    }

    void viewChanged(NodeEvent.ViewChanged v) {
        lease.viewChanged(v.viewKey(), v.members(), v.atMs());
        if (v.members().containsAll(config.nodeIds())) seenEveryNode = true;
        pair.ifPresent(p -> p.viewChanged(List.copyOf(v.members()), seenEveryNode, v.atMs()));
        if (!haveView) firstViewAtMs = v.atMs();
        haveView = true;
    }

    void beat(NodeEvent.Beat b) {
        lease.beat(b.from(), b.viewKey(), b.members(), b.stateVersion(), b.atMs(), b.echoedMs(), b.departedAgeMs());
    }

    void reachable(int nodes) {
        reachable = Optional.of(nodes);
    }

    Optional<Integer> reachable() {
        return reachable;
    }

    /** A fencing of the two_node peer was confirmed: this node may carry on alone. */
    void fenceDone(NodeEvent.FenceDone f, long nowMs, List<Effect> out) {
        if (pair.isPresent() && f.target().equals(pair.get().peer()) && pair.get().fenceDone(f.ok() || broken.contains(NodeCore.SafetyRules.Broken.PAIR_WITHOUT_FENCING), nowMs)) {
            lease.majority(pair.get().majority());
            out.add(new Effect.ContinueAlone(f.target()));
            out.add(new Effect.Note("two_node: " + f.target() + " is confirmed off; this node alone holds the quorum"));
        }
    }

    /** This step's lease, with a note when it was gained or lost. */
    LeaseView evaluate(long nowMs, List<Effect> out) {
        boolean wasValid = leaseValid;
        boolean wasHolding = holdingWithoutLease;
        pair.ifPresent(p -> {
            if (p.phase() == PairQuorum.Phase.ALONE && lease.freshVersion(p.peer(), nowMs).isPresent()) {
                lease.lastBeatAtMs(p.peer()).ifPresent(p::peerHeard);
                if (p.phase() == PairQuorum.Phase.PAIRED) {
                    out.add(new Effect.PeerRejoined(p.peer()));
                    out.add(new Effect.Note("two_node: " + p.peer() + " is back and heard: the quorum is both nodes again"));
                }
            }
            lease.majority(p.majority());
        });
        // Valid only while it still is a stop's time from now: a lease about to run out is treated as lost.
        leaseValid = lease.valid(nowMs + stopLeadMs);
        everHeldLease |= leaseValid;
        holdingWithoutLease = !leaseValid && pair.map(p -> p.holdsWithoutLease(reachable)).orElse(keepsWithoutQuorum());
        if (wasValid && !leaseValid) {
            out.add(new Effect.Note(!holdingWithoutLease ? "quorum lease lost: stopping every resource here"
                    : pair.isPresent() ? "two_node: no beats from " + pair.get().peer() + ": keeping what runs here, starting"
                            + " nothing; fencing it once it leaves the view"
                    : "quorum lease lost: keeping what runs here, starting nothing (no_quorum_policy "
                            + config.quorum().noQuorumPolicy().word() + ")",
                    holdingWithoutLease && pair.isEmpty() ? Optional.of(Probe.FREEZE_KEPT_SERVICES) : Optional.empty()));
        } else if (!wasValid && leaseValid) {
            out.add(new Effect.Note("quorum lease held"));
        } else if (wasHolding && !holdingWithoutLease && !leaseValid) {
            out.add(new Effect.Note("two_node: no ping node answers, so the fault is this node's uplink: stopping every resource here"));
        }
        return view();
    }

    /**
     * The first moment at which, if no beat came meanwhile, this node would give its lease up ({@link #evaluate}
     * treats a lease as lost a stop's lead before its end); MIN_VALUE while it holds none, since then every beat
     * may give it back.
     */
    long leaseDecisionMs(long nowMs) {
        if (!leaseValid) return Long.MIN_VALUE;
        return lease.validUntil(nowMs).orElse(nowMs) - stopLeadMs + 1;
    }

    LeaseView view() {
        return new LeaseView(leaseValid, holdingWithoutLease);
    }

    /**
     * no_quorum_policy freeze or ignore: a node that lost its quorum keeps what it runs (stop, the default,
     * ends it within the lease). Two_node mode has its own rule ({@link PairQuorum}).
     */
    private boolean keepsWithoutQuorum() {
        return config.quorum().noQuorumPolicy() != Quorum.NoQuorumPolicy.STOP && everHeldLease && runsResources;
    }

    /**
     * While the lease holds, the guard's deadline follows its end (plus {@link #guardSlackMs}). Once the
     * lease is lost the deadline stays put: whatever this node has not stopped by then, the guard ends by force.
     */
    Optional<Effect.GuardDeadline> guardDeadline(long nowMs) {
        if (holdingWithoutLease) {
            // No lease to follow: the daemon alive and stepping is what keeps the services. A frozen daemon lets
            // the deadline pass within about a lease; the peer is fencing this node meanwhile anyway.
            long leaseMs = config.timing().lease().toMillis();
            if (guardDeadlineMs - nowMs > leaseMs / 2) return Optional.empty();
            guardDeadlineMs = nowMs + leaseMs + guardSlackMs;
            return Optional.of(new Effect.GuardDeadline(guardDeadlineMs));
        }
        if (!leaseValid) return Optional.empty();
        // The lease's true end, not the earlier moment this node gives it up at (stopLeadMs).
        long until = lease.validUntil(nowMs).orElse(nowMs) + guardSlackMs;
        if (until == guardDeadlineMs) return Optional.empty();
        guardDeadlineMs = until;
        return Optional.of(new Effect.GuardDeadline(until));
    }

    /** The state version a peer announced in a recent beat. */
    Optional<Long> freshVersion(NodeId peer, long nowMs) {
        return lease.freshVersion(peer, nowMs);
    }

    /** Configured nodes out of the view whose lease has provably run out (none before the first view). */
    SortedSet<NodeId> lost(long nowMs) {
        return haveView ? lease.lost(config.nodeIds(), nowMs, lostAfterMs) : new java.util.TreeSet<>();
    }

    /** The two_node pair, in that mode. */
    Optional<PairQuorum> pair() {
        return pair;
    }

    boolean haveView() {
        return haveView;
    }

    /** Whether the first placement must still wait for nodes that have not joined yet. */
    boolean holdFirstPlacement(Set<NodeId> online, long nowMs, long coldStartGraceMs) {
        if (online.containsAll(config.nodeIds())) seenEveryNode = true;
        // wait_for_all: the first placement waits for every node however long it takes, not only for the grace.
        return !seenEveryNode && (config.quorum().waitForAll() || nowMs - firstViewAtMs < coldStartGraceMs);
    }
}
