package haven.config;

import haven.core.NodeId;

/**
 * A cluster member: its name, the IPv4 address its daemon binds to for cluster traffic, and its role. A
 * witness votes (counts for quorum and the lease, holds a copy of the cluster log) but never runs a resource:
 * the third vote that lets a two-node cluster survive the loss of either node. {@code replicationAddress}: where
 * replicated data reaches this node, on a network of its own (a dedicated LAN, so a bulk copy cannot delay the
 * heartbeats); without one, the cluster address. {@code attributes}: what the administrator says of the node (rack,
 * size, any name), which location preferences test. {@code capacity}: how much of each unit (cpu, memory_mb, any name) the
 * node offers the groups' {@code needs}; a unit it does not name it has none of.
 */
public record NodeConfig(NodeId id, String address, Role role, java.util.Optional<String> replicationAddress,
        java.util.SortedMap<String, String> attributes, java.util.SortedMap<String, Long> capacity) {
    public enum Role {
        NODE, WITNESS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public NodeConfig {
        if (replicationAddress == null) replicationAddress = java.util.Optional.empty();
        attributes = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(attributes == null ? java.util.Map.of() : attributes));
        capacity = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(capacity == null ? java.util.Map.of() : capacity));
    }

    public NodeConfig(NodeId id, String address, Role role, java.util.Optional<String> replicationAddress,
            java.util.SortedMap<String, String> attributes) {
        this(id, address, role, replicationAddress, attributes, new java.util.TreeMap<>());
    }

    public NodeConfig(NodeId id, String address, Role role, java.util.Optional<String> replicationAddress) {
        this(id, address, role, replicationAddress, new java.util.TreeMap<>());
    }

    public NodeConfig(NodeId id, String address, Role role) {
        this(id, address, role, java.util.Optional.empty());
    }

    public NodeConfig(NodeId id, String address) {
        this(id, address, Role.NODE);
    }

    /** Where replicated data reaches this node: its replication address, else its cluster address. */
    public String dataAddress() {
        return replicationAddress.orElse(address);
    }

    public boolean isWitness() {
        return role == Role.WITNESS;
    }
}
