package haven.membership;

import haven.cib.ClusterState;
import haven.core.NodeId;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster edge reports to a node. Called from the edge's own threads; implementations only
 * enqueue (the node's event loop owns all state). Times are {@link haven.core.Ticker} milliseconds taken
 * when the edge received the news, so a slow event loop does not make news look older than it is.
 */
public interface ClusterListener {
    /** A new membership view; {@code viewKey} names it identically on every member that holds it. */
    void viewChanged(String viewKey, List<NodeId> members, long atMs);

    /**
     * A lease heartbeat from a peer, with the view it holds (key and members) and the cluster-state version it has applied
     * (a node starts resources only once it has applied as much as the coordinator announces).
     */
    void beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs);

    /**
     * A beat that echoes one of this node's own: {@code echoedMs} is when this node sent the newest own beat the
     * peer had heard before sending this one (this node's Ticker), empty when the peer does not echo.
     */
    default void beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs, java.util.OptionalLong echoedMs) {
        beat(from, viewKey, members, stateVersion, atMs);
    }

    /**
     * The same, with {@code departedAgeMs}: for each node that left the peer's view, how long before sending
     * this beat the peer's beats last could have renewed that node's lease (see {@code node.Lease}).
     */
    default void beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs, java.util.OptionalLong echoedMs,
            java.util.Map<NodeId, Long> departedAgeMs) {
        beat(from, viewKey, members, stateVersion, atMs, echoedMs);
    }

    /** The committed cluster state after one more log entry (or after a snapshot was installed). */
    void stateChanged(ClusterState state);

    /**
     * One committed entry, as applied: {@code before} and {@code after} the states around it (for the
     * timeline). Called on the log's apply thread before {@link #stateChanged}; must be quick.
     */
    default void entryApplied(ClusterState before, List<haven.cib.Command> entry, ClusterState after) {}

    /** The state was replaced by a snapshot (a node far behind, or joining late): no entries came for it. */
    default void snapshotInstalled(ClusterState state) {}

    /** The cluster log's leader (the coordinator) changed; {@code self} is true when it is this node. */
    void leaderChanged(Optional<NodeId> leader, boolean self);
}
