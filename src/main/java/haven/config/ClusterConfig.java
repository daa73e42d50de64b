package haven.config;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.config.fence.FencingTopology;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole, validated cluster configuration: every node holds the same copy. Immutable; built only by
 * {@link ConfigLoader}, which has already checked every cross-reference, so code that holds one may trust it.
 *
 * @param quorum  the {@code quorum:} section, {@link Quorum#DEFAULT} when absent
 * @param fencing the {@code fencing:} section; empty when the cluster has no fence devices
 * @param api     the {@code api:} section, {@link ApiAccess#LOOPBACK} when absent
 * @param alerts  the {@code alerts:} section: scripts run on events; empty when absent
 * @param voters  {@code cluster.voters}: which nodes vote in the cluster log, {@link Voters#DEFAULT} when absent
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
        List<GroupConfig> groups,
        Quorum quorum,
        Optional<FencingTopology> fencing,
        ApiAccess api,
        List<AlertHook> alerts,
        Voters voters) {

    public ClusterConfig {
        nodes = new KeyedList<>(nodes, NodeConfig::id);
        resources = new KeyedList<>(resources, ResourceConfig::id);
        groups = new KeyedList<>(groups, GroupConfig::id, GroupConfig::members);
        key = key.clone();
        Objects.requireNonNull(quorum, "quorum");
        Objects.requireNonNull(fencing, "fencing");
        Objects.requireNonNull(api, "api");
        alerts = List.copyOf(alerts);
        Objects.requireNonNull(voters, "voters");
    }

    /** A config with the default voters, as before {@code cluster.voters} existed. */
    public ClusterConfig(String clusterName, byte[] key, int port, int apiPort, Timing timing, Policy policy,
            List<NodeConfig> nodes, List<ResourceConfig> resources, List<GroupConfig> groups, Quorum quorum,
            Optional<FencingTopology> fencing, ApiAccess api, List<AlertHook> alerts) {
        this(clusterName, key, port, apiPort, timing, policy, nodes, resources, groups, quorum, fencing, api, alerts,
                Voters.DEFAULT);
    }

    /** A config without alert hooks, as before the {@code alerts:} section existed. */
    public ClusterConfig(String clusterName, byte[] key, int port, int apiPort, Timing timing, Policy policy,
            List<NodeConfig> nodes, List<ResourceConfig> resources, List<GroupConfig> groups, Quorum quorum,
            Optional<FencingTopology> fencing, ApiAccess api) {
        this(clusterName, key, port, apiPort, timing, policy, nodes, resources, groups, quorum, fencing, api, List.of());
    }

    /** A config whose API listens on loopback only, as before the {@code api:} section existed. */
    public ClusterConfig(String clusterName, byte[] key, int port, int apiPort, Timing timing, Policy policy,
            List<NodeConfig> nodes, List<ResourceConfig> resources, List<GroupConfig> groups, Quorum quorum,
            Optional<FencingTopology> fencing) {
        this(clusterName, key, port, apiPort, timing, policy, nodes, resources, groups, quorum, fencing, ApiAccess.LOOPBACK);
    }

    /** A config with the default quorum and no fencing, as before those sections existed. */
    public ClusterConfig(String clusterName, byte[] key, int port, int apiPort, Timing timing, Policy policy,
            List<NodeConfig> nodes, List<ResourceConfig> resources, List<GroupConfig> groups) {
        this(clusterName, key, port, apiPort, timing, policy, nodes, resources, groups, Quorum.DEFAULT,
                Optional.empty());
    }

    public Optional<NodeConfig> node(NodeId id) {
        return ClusterConfig.<NodeId, NodeConfig>keyed(nodes).find(id);
    }

    public Optional<ResourceConfig> resource(ResourceId id) {
        return ClusterConfig.<ResourceId, ResourceConfig>keyed(resources).find(id);
    }

    /**
     * Whether {@code group} promotes a member of a built-in replicated type, whose agent reports its copy's promotion
     * score as soon as its instance runs (an OCF agent may never set one).
     */
    public boolean reportsCopyScores(GroupConfig group) {
        return group.replicaMembers().stream().anyMatch(r -> resource(r).map(c -> GroupConfig.Promotable.BUILT_IN.contains(c.type())).orElse(false));
    }

    public Optional<GroupConfig> group(GroupId id) {
        return ClusterConfig.<GroupId, GroupConfig>keyed(groups).find(id);
    }

    public List<NodeId> nodeIds() {
        return nodes.stream().map(NodeConfig::id).toList();
    }

    /** The nodes that may run resources: every node but the witnesses. */
    public List<NodeId> serviceNodeIds() {
        return nodes.stream().filter(n -> !n.isWitness()).map(NodeConfig::id).toList();
    }

    /** The group a resource belongs to (every resource belongs to exactly one; see {@link ConfigLoader}). */
    public GroupConfig groupOf(ResourceId id) {
        return ClusterConfig.<GroupId, GroupConfig>keyed(groups).findByMember(id)
                .orElseThrow(() -> new IllegalStateException("resource " + id + " has no group"));
    }

    /** The nodes that vote in the cluster log (the rest follow it); see {@link Voters}. */
    public List<NodeId> voterIds() {
        return voters.of(nodeIds());
    }

    /** The compact constructor made every list of the record a {@link KeyedList}. */
    @SuppressWarnings("unchecked")
    private static <K, V> KeyedList<K, V> keyed(List<V> list) {
        return (KeyedList<K, V>) list;
    }

    /** Of every configured node, voters or not: the quorum lease counts them all. */
    public int majority() {
        return nodes.size() / 2 + 1;
    }
}
