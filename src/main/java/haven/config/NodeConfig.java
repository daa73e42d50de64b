package haven.config;

import haven.core.NodeId;

/**
 * A cluster member: its name, the IPv4 address its daemon binds to for cluster traffic, and its role. A
 * witness votes (counts for quorum and the lease, holds a copy of the cluster log) but never runs a resource:
 * the third vote that lets a two-node cluster survive the loss of either node.
 */
public record NodeConfig(NodeId id, String address, Role role) {
    public enum Role {
        NODE, WITNESS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public NodeConfig(NodeId id, String address) {
        this(id, address, Role.NODE);
    }

    public boolean isWitness() {
        return role == Role.WITNESS;
    }
}
