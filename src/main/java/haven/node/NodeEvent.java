package haven.node;

import haven.cib.ClusterState;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.core.AgentResult;
import haven.core.Operation;
import java.util.List;
import java.util.Optional;

/** Everything that can happen to a node. The edges only turn their news into these and enqueue them. */
public sealed interface NodeEvent {
    record ViewChanged(String viewKey, List<NodeId> members, long atMs) implements NodeEvent {}

    /**
     * A peer's heartbeat, read at {@code atMs}. {@code echoedMs}: when this node sent the newest of its own beats
     * that the peer had heard before sending this one (this node's clock), which proves the peer still counted
     * this node after that moment whenever this beat is read; empty from a peer that does not echo (an older
     * daemon), whose beat then counts from the moment it is read. {@code departedAgeMs}: for each node that left
     * the peer's view, how long before sending this beat the peer's beats could last have renewed that node's
     * lease (the edge's {@code BeatEcho}); the receiver subtracts it from {@code atMs}.
     */
    record Beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs, java.util.OptionalLong echoedMs,
            java.util.Map<NodeId, Long> departedAgeMs) implements NodeEvent {
        /** An {@code echoedMs} that names an earlier run of this node: the beat renews nothing. */
        public static final long EARLIER_RUN = Long.MIN_VALUE;

        public Beat {
            departedAgeMs = java.util.Map.copyOf(departedAgeMs);
        }

        public Beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs) {
            this(from, viewKey, members, stateVersion, atMs, java.util.OptionalLong.empty());
        }

        public Beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs, java.util.OptionalLong echoedMs) {
            this(from, viewKey, members, stateVersion, atMs, echoedMs, java.util.Map.of());
        }
    }

    record StateChanged(ClusterState state) implements NodeEvent {}

    /** The outcome of forcing a resource off after its stop failed; {@code ok}: nothing of it is left. */
    record ForcedOff(ResourceId resource, boolean ok, String detail) implements NodeEvent {}

    /** The outcome of fencing {@code target}: {@code ok} means confirmed off. */
    record FenceDone(NodeId target, boolean ok, String summary) implements NodeEvent {}

    /** How many of the configured ping nodes this node reaches now (sent on every change). */
    record Reachability(int reachable) implements NodeEvent {}

    record LeaderChanged(Optional<NodeId> leader, boolean self) implements NodeEvent {}

    record OpDone(ResourceId resource, Operation op, long opId, AgentResult result) implements NodeEvent {}

    record AgentFailed(ResourceId resource, String reason) implements NodeEvent {}

    /** The promotion score {@code resource}'s agent set here changed (empty: deleted); read after an operation. */
    record ScoreSet(ResourceId resource, Optional<Long> score) implements NodeEvent {}

    record ProposalDone(long proposalId, boolean ok, String error) implements NodeEvent {}

    record Tick() implements NodeEvent {}

    /**
     * A committed config change, parsed and compared with the previous one by the daemon (which may run agents
     * for their reload rules): the core stops what {@code diff} says must stop, then takes {@code config}.
     */
    record ConfigChanged(long version, haven.config.ClusterConfig config, haven.config.live.ConfigDiff diff) implements NodeEvent {}
}
