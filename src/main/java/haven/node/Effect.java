package haven.node;

import haven.cib.Command;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.core.Operation;
import java.time.Duration;
import java.util.List;

/** What a node's logic asks the outside world to do. The driver performs them in list order. */
public sealed interface Effect {
    /**
     * {@code generation}: for a start, the group's placement generation, which only grows across the cluster;
     * agents pass it on (HAVEN_GENERATION) so a data path can refuse a writer from an older one. 0 otherwise.
     */
    record RunOp(ResourceId resource, Operation op, Duration timeout, long opId, long generation,
            java.util.Optional<haven.core.Notice> notice) implements Effect {
        public RunOp(ResourceId resource, Operation op, Duration timeout, long opId) {
            this(resource, op, timeout, opId, 0);
        }

        public RunOp(ResourceId resource, Operation op, Duration timeout, long opId, long generation) {
            this(resource, op, timeout, opId, generation, java.util.Optional.empty());
        }
    }

    record Propose(long proposalId, List<Command> entry) implements Effect {}

    /**
     * This resource may become active here: the guard must know it before its start begins, so that a
     * daemon dying mid-start cannot leave it running unattended.
     */
    record Arm(ResourceId resource) implements Effect {}

    /** This resource is known stopped here; the guard forgets it. */
    record Disarm(ResourceId resource) implements Effect {}

    /**
     * The instant (on the node's monotonic clock) by which the guard must have forced off every armed
     * resource unless it hears a later one: the end of the quorum lease plus half the margin.
     */
    record GuardDeadline(long atMs) implements Effect {}

    /** End {@code resource} by force (the guard's steps: SIGKILL its processes, delete its address). */
    record ForceOff(ResourceId resource) implements Effect {}

    /** Fence (power off) {@code target}; the answer comes back as {@link NodeEvent.FenceDone}. */
    record Fence(NodeId target, String reason) implements Effect {}

    /**
     * two_node mode: the peer is confirmed off, so this node carries on as the cluster log's only voter
     * until the peer is back.
     */
    record ContinueAlone(NodeId peer) implements Effect {}

    /**
     * two_node mode: the fenced peer is back and its beats are heard, so this node no longer holds the quorum
     * alone; only now may the cluster log take the peer back as a voter. Taken back earlier, the log would
     * need both nodes while this node still counted itself a quorum of one (simulator, two_node seed 8602).
     */
    record PeerRejoined(NodeId peer) implements Effect {}

    /**
     * From now on run operations with the agents of {@code config} (a live config change): new resources get
     * agents, removed ones lose theirs, changed ones get new ones. Comes before any operation that needs them.
     */
    record UseConfig(haven.config.ClusterConfig config) implements Effect {}

    /**
     * A line for the operator's log: what the node decided and why; {@code probe} tags the rare paths the
     * simulator counts.
     */
    record Note(String text, java.util.Optional<Probe> probe) implements Effect {
        public Note(String text) {
            this(text, java.util.Optional.empty());
        }

        public Note(String text, Probe probe) {
            this(text, java.util.Optional.of(probe));
        }
    }
}
