package haven.config;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.List;
import java.util.Optional;

/**
 * Resources always on one node, started in {@code startOrder} and stopped in reverse.
 *
 * @param members    as the config lists them
 * @param order      how {@code startOrder} follows from {@code members} (the group's {@code order:} key)
 * @param startOrder the members in the order they start: {@code members} itself unless {@link StartOrder} moved the
 *                   addresses later; {@link ConfigLoader} computes it once the resources' types are known
 */
public record GroupConfig(GroupId id, List<ResourceId> members, Optional<NodeId> preferredNode, StartOrder.Mode order,
        List<ResourceId> startOrder) {
    public GroupConfig {
        members = List.copyOf(members);
        startOrder = List.copyOf(startOrder);
        if (startOrder.size() != members.size() || !startOrder.containsAll(members)) {
            throw new IllegalArgumentException("group " + id + ": start order " + startOrder + " is not an order of " + members);
        }
    }

    /** A group started exactly as listed. */
    public GroupConfig(GroupId id, List<ResourceId> members, Optional<NodeId> preferredNode) {
        this(id, members, preferredNode, StartOrder.Mode.LISTED, members);
    }

    /**
     * The members that depend on {@code member}: those after it both as listed and in start order. They stop
     * before it and start again after it when it restarts (a failure, a changed parameter). An address that the
     * start order moved after a service does not depend on it: a service restarting in place leaves it up (its
     * clients are refused for the restart, as they would be anyway, rather than sent to a silent address).
     */
    public List<ResourceId> dependentsOf(ResourceId member) {
        int listed = members.indexOf(member);
        int started = startOrder.indexOf(member);
        if (listed < 0) throw new IllegalArgumentException(member + " is not a member of group " + id);
        return startOrder.subList(started + 1, startOrder.size()).stream()
                .filter(r -> members.indexOf(r) > listed).toList();
    }

    /** The same group with its start order resolved (see {@link StartOrder#resolve}). */
    GroupConfig withStartOrder(List<ResourceId> order) {
        return new GroupConfig(id, members, preferredNode, this.order, order);
    }
}
