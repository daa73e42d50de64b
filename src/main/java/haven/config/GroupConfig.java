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
 * @param placement  location scores and colocations ({@code location:}, {@code colocate:})
 */
public record GroupConfig(GroupId id, List<ResourceId> members, Optional<NodeId> preferredNode, StartOrder.Mode order,
        List<ResourceId> startOrder, Optional<Promotable> promotable, PlacementRules placement) {
    public GroupConfig {
        if (placement == null) placement = PlacementRules.NONE;
        members = List.copyOf(members);
        startOrder = List.copyOf(startOrder);
        if (startOrder.size() != members.size() || !startOrder.containsAll(members)) {
            throw new IllegalArgumentException("group " + id + ": start order " + startOrder + " is not an order of " + members);
        }
        if (promotable.isPresent() && !startOrder.subList(0, promotable.get().members().size()).equals(promotable.get().members())) {
            throw new IllegalArgumentException("group " + id + ": the promoted members " + promotable.get().members()
                    + " must start first, but the start order is " + startOrder);
        }
    }

    public GroupConfig(GroupId id, List<ResourceId> members, Optional<NodeId> preferredNode, StartOrder.Mode order,
            List<ResourceId> startOrder, Optional<Promotable> promotable) {
        this(id, members, preferredNode, order, startOrder, promotable, PlacementRules.NONE);
    }

    public GroupConfig(GroupId id, List<ResourceId> members, Optional<NodeId> preferredNode, StartOrder.Mode order,
            List<ResourceId> startOrder) {
        this(id, members, preferredNode, order, startOrder, Optional.empty());
    }

    /** A group started exactly as listed. */
    public GroupConfig(GroupId id, List<ResourceId> members, Optional<NodeId> preferredNode) {
        this(id, members, preferredNode, StartOrder.Mode.LISTED, members);
    }

    /**
     * A group with a primary role: its promoted members run on every node of its instances (as replicas) and are
     * promoted on one; the rest of the group runs only with the primary, started after the promotion.
     *
     * @param members  the members that run on every instance and are promoted on the primary: the first members in
     *                 start order
     * @param replicas how many nodes run a replica besides the primary, at most ({@link #EVERY_NODE}: every node
     *                 that may run it)
     * @param notifies whether the promoted members' agents hear of every instance's start, stop, promotion and
     *                 demotion ({@code notify: true})
     */
    public record Promotable(List<ResourceId> members, int replicas, boolean notifies) {
        public static final int EVERY_NODE = Integer.MAX_VALUE;
        /** The built-in type with a primary role: a directory kept the same on every instance. */
        public static final String REPLICATED_DIR = "replicated-dir";
        /** The built-in PostgreSQL server that replicates itself (streaming replication). */
        public static final String POSTGRESQL = "postgresql";
        /** The built-in types with a primary role, which must be promoted members of a promotable group. */
        public static final java.util.Set<String> BUILT_IN = java.util.Set.of(REPLICATED_DIR, POSTGRESQL);

        public Promotable(List<ResourceId> members, int replicas) {
            this(members, replicas, false);
        }

        public Promotable {
            members = List.copyOf(members);
            if (members.isEmpty()) throw new IllegalArgumentException("a promotable group promotes at least one member");
            if (replicas < 0) throw new IllegalArgumentException("replicas must be 0 or more, not " + replicas);
        }
    }

    public boolean isPromotable() {
        return promotable.isPresent();
    }

    /** Whether the group runs on several nodes at once ({@code clone:}), none of them a primary. */
    public boolean isClone() {
        return placement.clones() > 0;
    }

    /** Whether this is a promotable group whose agents want notifications (notify: true). */
    public boolean notifies() {
        return promotable.map(Promotable::notifies).orElse(false);
    }

    /** Whether {@code member} runs only with the primary (a promotable group's member that is not promoted). */
    public boolean primaryOnly(ResourceId member) {
        return promotable.isPresent() && !promotable.get().members().contains(member);
    }

    /** The members that run on a replica: the promoted ones of a promotable group, none of a plain group. */
    public List<ResourceId> replicaMembers() {
        return promotable.map(Promotable::members).orElse(List.of());
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
        return new GroupConfig(id, members, preferredNode, this.order, order, promotable, placement);
    }

    /** The same group with other placement preferences. */
    public GroupConfig withPlacement(PlacementRules rules) {
        return new GroupConfig(id, members, preferredNode, order, startOrder, promotable, rules);
    }
}
