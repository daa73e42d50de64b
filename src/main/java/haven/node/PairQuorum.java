package haven.node;

import haven.cib.ClusterState;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.Quorum;
import haven.core.NodeId;
import haven.core.PingRule;
import java.util.List;
import java.util.Optional;

/**
 * Quorum in {@code two_node} mode, for one of the two nodes. A majority of two is both nodes, so a cut link
 * and a dead peer look the same from either side; what decides is fencing.
 * <ul>
 *   <li><b>Paired</b>: both in the view (or never yet both: wait_for_all holds the first start). Quorum is
 *   the ordinary lease of two.</li>
 *   <li><b>Racing</b>: the peer left the view. This node keeps what it runs (a dead passive node must not
 *   interrupt the service) and starts nothing, and fences the peer: at once if the peer runs no more groups
 *   than this node, else after the priority delay, so that after a cut link the node that runs the services
 *   shoots first and the other is off before its own delay ends. A node that reaches none of its ping nodes
 *   knows the fault is its own uplink: it fences no one and gives up what it runs.</li>
 *   <li><b>Alone</b>: the peer is confirmed off. This node is the whole quorum (the cluster log shrinks to
 *   it as its only voter) until the peer is back and heard: then paired again.</li>
 * </ul>
 * Pure; the node's core owns it and asks it each step.
 */
final class PairQuorum {
    enum Phase { PAIRED, RACING, ALONE }

    private final NodeId self;
    private final NodeId peer;
    private final long priorityDelayMs;
    private final boolean pingNodesConfigured;
    /**
     * With ping nodes, how long both nodes wait before fencing: long enough for the ping monitor to notice a
     * lost uplink. An isolated node loses its peer and its uplink at the same moment, but notices the peer
     * first (about 1 s against 3 lost echoes); fencing at once, the node running the services would power off
     * the healthy peer and keep them where no client reaches them.
     */
    private final long pingWaitMs;
    private Phase phase = Phase.PAIRED;
    private long racingSinceMs;
    private long aloneSinceMs;
    private boolean fenceInFlight = false;
    private long nextFenceAtMs = Long.MIN_VALUE;
    private boolean peerInView = false;
    private boolean seenBoth = false;

    PairQuorum(NodeId self, NodeId peer, long priorityDelayMs, boolean pingNodesConfigured) {
        this.self = self;
        this.peer = peer;
        this.priorityDelayMs = priorityDelayMs;
        this.pingNodesConfigured = pingNodesConfigured;
        this.pingWaitMs = pingNodesConfigured ? PingRule.INTERVAL.toMillis() * (PingRule.DOWN_AFTER + 1) : 0;
    }

    static Optional<PairQuorum> of(ClusterConfig config, NodeId self) {
        if (config.quorum().mode() != Quorum.Mode.TWO_NODE) return Optional.empty();
        List<NodeId> others = config.nodeIds().stream().filter(n -> !n.equals(self)).toList();
        if (others.size() != 1) return Optional.empty(); // the config check refuses this; stay in majority rules
        return Optional.of(new PairQuorum(self, others.get(0), config.quorum().priorityFenceDelay().toMillis(),
                !config.quorum().pingNodes().isEmpty()));
    }

    NodeId peer() {
        return peer;
    }

    Phase phase() {
        return phase;
    }

    /**
     * {@code seenBoth}: whether one view ever held both nodes. Before that the peer was never lost, only not
     * yet seen, and racing would let a node booting alone shoot a healthy peer.
     */
    void viewChanged(List<NodeId> members, boolean seenBoth, long nowMs) {
        this.seenBoth |= seenBoth;
        peerInView = members.contains(peer);
        if (peerInView) {
            // A link that healed before either side was fenced: both still hold their votes.
            if (phase == Phase.RACING) phase = Phase.PAIRED;
            fenceInFlight = false;
            nextFenceAtMs = Long.MIN_VALUE;
        } else if (phase == Phase.PAIRED && this.seenBoth) {
            phase = Phase.RACING;
            racingSinceMs = nowMs;
        }
    }

    /**
     * The peer is back in the view and beats again: the pair's quorum is two again. Only a beat sent after the
     * fencing counts; one from just before it would undo the fencing it preceded.
     */
    void peerHeard(long lastBeatAtMs) {
        if (phase == Phase.ALONE && peerInView && lastBeatAtMs > aloneSinceMs) phase = Phase.PAIRED;
    }

    /** How many nodes make a quorum now. */
    int majority() {
        return phase == Phase.ALONE ? 1 : 2;
    }

    /**
     * Whether this node keeps what it runs although its lease of two has lapsed. The beats stop a while before
     * the view drops the peer, and the peer cannot take anything over without fencing this node first, so
     * holding is safe from the first missed beat on; fencing waits for the view (a beat lost to a busy
     * moment must not cost the peer its power).
     */
    boolean holdsWithoutLease(Optional<Integer> reachablePingNodes) {
        return phase != Phase.ALONE && seenBoth && !uplinkLost(reachablePingNodes);
    }

    boolean uplinkLost(Optional<Integer> reachablePingNodes) {
        return pingNodesConfigured && reachablePingNodes.map(n -> n == 0).orElse(false);
    }

    /** The fencing of the peer to start now, with its reason, or empty. */
    Optional<String> fenceDue(ClusterState state, Optional<Integer> reachablePingNodes, long nowMs) {
        if (phase != Phase.RACING || fenceInFlight || nowMs < nextFenceAtMs) {
            return Optional.empty();
        }
        long peerGroups = groupsOn(state, peer);
        long ownGroups = groupsOn(state, self);
        // A peer that reported a stop it cannot end is fencing itself: no race to lose, and waiting the delay for a
        // node that is going down anyway only keeps its services down longer (simulator, two_node seed 7456).
        long delay = peerGroups > ownGroups && FenceDuty.stopFailure(state, peer) == null ? priorityDelayMs : 0;
        if (nowMs < racingSinceMs + pingWaitMs + delay || uplinkLost(reachablePingNodes)) return Optional.empty();
        fenceInFlight = true;
        return Optional.of("two_node: " + peer + " left the view" + (delay > 0
                ? " (waited the priority delay of " + delay + " ms: it runs " + peerGroups + " group(s), this node " + ownGroups + ")"
                : ""));
    }

    /**
     * The answer to a fencing of the peer. True when this node is now alone with the quorum. A confirmed
     * fencing counts even when the peer rejoined while it ran (the device was already on its way): the peer
     * is off now, and waiting for the view to say so would mean a second race and a second priority delay
     * (the simulator, two_node seed 345).
     */
    boolean fenceDone(boolean ok, long nowMs) {
        fenceInFlight = false;
        if (!ok) {
            if (phase == Phase.RACING) nextFenceAtMs = nowMs + FenceDuty.RETRY_MS;
            return false;
        }
        if (phase == Phase.ALONE) return false;
        phase = Phase.ALONE;
        aloneSinceMs = nowMs;
        return true;
    }

    private static long groupsOn(ClusterState state, NodeId n) {
        return state.groups().values().stream().map(GroupState::assigned).filter(a -> a.equals(Optional.of(n))).count();
    }
}
