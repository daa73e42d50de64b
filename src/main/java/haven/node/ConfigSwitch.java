package haven.node;

import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.ResourceId;
import haven.core.Operation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Takes committed config changes on this node, one at a time and in commit order. What the change removes or
 * restarts is stopped first, under the old config and its agents (an agent given the new parameters could
 * not stop what the old ones started: another address, another config file), groups in reverse and members
 * in reverse, one stop at a time. Only then does the core switch to the new config.
 */
final class ConfigSwitch {
    private final Deque<NodeEvent.ConfigChanged> queue = new ArrayDeque<>();

    void offer(NodeEvent.ConfigChanged change) {
        queue.add(change);
    }

    boolean pending() {
        return !queue.isEmpty();
    }

    /** Resources the group reconciler must leave alone meanwhile: it would start again what is being stopped. */
    Set<ResourceId> held() {
        if (queue.isEmpty()) return Set.of();
        Set<ResourceId> s = new TreeSet<>(queue.peek().diff().stopped());
        s.addAll(queue.peek().diff().reloaded());
        return s;
    }

    /**
     * One step of the oldest change: emits at most one stop, or returns the change when nothing it touches is
     * running any more (or busy) and the core may switch.
     */
    Optional<NodeEvent.ConfigChanged> step(ClusterConfig current, LocalResources local, boolean runsResources,
            Consumer<Effect> out) {
        NodeEvent.ConfigChanged head = queue.peek();
        if (head == null) return Optional.empty();
        if (runsResources) {
            if (held().stream().anyMatch(local::busy)) return Optional.empty();
            for (ResourceId r : stopOrder(current)) {
                if (!head.diff().stopped().contains(r)) continue;
                LocalState s = local.state(r);
                if (s == null || s == LocalState.STOPPED) continue;
                // A failed stop is being forced off; what comes of it decides, not this.
                if (s == LocalState.STOP_FAILED) return Optional.empty();
                out.accept(local.begin(r, Operation.STOP));
                return Optional.empty();
            }
        }
        return Optional.of(queue.poll());
    }

    private static List<ResourceId> stopOrder(ClusterConfig config) {
        List<ResourceId> order = new ArrayList<>();
        List<GroupConfig> groups = new ArrayList<>(config.groups());
        Collections.reverse(groups);
        for (GroupConfig g : groups) {
            List<ResourceId> members = new ArrayList<>(g.startOrder());
            Collections.reverse(members);
            order.addAll(members);
        }
        return order;
    }
}
