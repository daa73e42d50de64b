package haven.scheduler;

import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.core.NodeId;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Everything the scheduler may look at. {@code online}: nodes in the deciding node's quorate view.
 * {@code lost}: nodes out of the view whose lease has provably expired, so nothing can still run there.
 * {@code nowEpochMs}: the deciding node's wall clock, only for failure windows.
 */
public record SchedulerInput(ClusterConfig config, ClusterState state, SortedSet<NodeId> online, SortedSet<NodeId> lost,
        long nowEpochMs) {

    public SchedulerInput {
        online = new TreeSet<>(online);
        lost = new TreeSet<>(lost);
    }

    public static SchedulerInput of(ClusterConfig config, ClusterState state, Set<NodeId> online, Set<NodeId> lost,
            long nowEpochMs) {
        return new SchedulerInput(config, state, new TreeSet<>(online), new TreeSet<>(lost), nowEpochMs);
    }
}
