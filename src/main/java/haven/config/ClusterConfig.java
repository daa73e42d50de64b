package haven.config;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.List;
import java.util.Optional;

/**
 * The whole, validated cluster configuration: every node holds the same copy. Immutable; built only by
 * {@link ConfigLoader}, which has already checked every cross-reference, so code that holds one may trust it.
 */
public record ClusterConfig(
        String clusterName,
        byte[] key,
        int port,
        int apiPort,
        Timing timing,
        Policy policy,
        List<NodeConfig> nodes,
        List<ResourceConfig> resources,
        List<GroupConfig> groups) {

    public ClusterConfig {
        nodes = List.copyOf(nodes);
        resources = List.copyOf(resources);
        groups = List.copyOf(groups);
        key = key.clone();
    }

    public Optional<NodeConfig> node(NodeId id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    public Optional<ResourceConfig> resource(ResourceId id) {
        return resources.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    public Optional<GroupConfig> group(GroupId id) {
        return groups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    public List<NodeId> nodeIds() {
        return nodes.stream().map(NodeConfig::id).toList();
    }

    /** The group a resource belongs to (every resource belongs to exactly one; see {@link ConfigLoader}). */
    public GroupConfig groupOf(ResourceId id) {
        return groups.stream().filter(g -> g.members().contains(id)).findFirst()
                .orElseThrow(() -> new IllegalStateException("resource " + id + " has no group"));
    }

    public int majority() {
        return nodes.size() / 2 + 1;
    }
}
