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
 * {@code holdFirstPlacement}: a cold start in progress (not every node has joined yet, and the grace has
 * not run out): groups never placed before wait, so that they land on their preferred nodes rather than
 * on whichever nodes happened to boot first.
 * {@code ignoreMayBeActive}: only the simulator's mutation check sets it, to prove that the "may still be
 * active" rule matters; the daemon never does.
 */
public record SchedulerInput(ClusterConfig config, ClusterState state, SortedSet<NodeId> online, SortedSet<NodeId> lost,
        long nowEpochMs, boolean holdFirstPlacement, boolean ignoreMayBeActive) {

    public SchedulerInput {
        online = new TreeSet<>(online);
        lost = new TreeSet<>(lost);
    }

    public SchedulerInput(ClusterConfig config, ClusterState state, SortedSet<NodeId> online, SortedSet<NodeId> lost,
            long nowEpochMs) {
        this(config, state, online, lost, nowEpochMs, false, false);
    }

    public SchedulerInput holdingFirstPlacement(boolean hold) {
        return new SchedulerInput(config, state, online, lost, nowEpochMs, hold, ignoreMayBeActive);
    }

    /** The mutation check's broken rule: start a group while another node may still run it. */
    public SchedulerInput ignoringMayBeActive(boolean ignore) {
        return new SchedulerInput(config, state, online, lost, nowEpochMs, holdFirstPlacement, ignore);
    }

    public static SchedulerInput of(ClusterConfig config, ClusterState state, Set<NodeId> online, Set<NodeId> lost,
            long nowEpochMs) {
        return new SchedulerInput(config, state, new TreeSet<>(online), new TreeSet<>(lost), nowEpochMs);
    }
}
