package haven.node;

import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.NodeConfig;
import haven.config.Policy;
import haven.config.ResourceConfig;
import haven.config.Timing;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configs for node-logic tests: n nodes and one group whose members are placeholder resources. */
final class TestClusters {
    static final Duration OP_TIMEOUT = Duration.ofSeconds(20);
    static final Duration MONITOR_INTERVAL = Duration.ofSeconds(2);

    private TestClusters() {}

    static ClusterConfig oneGroup(int nodes, String group, String preferredOrNull, String... members) {
        List<NodeConfig> ns = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) ns.add(new NodeConfig(NodeId.of("n" + i), "10.0.0." + i));
        List<ResourceId> ids = Arrays.stream(members).map(ResourceId::of).toList();
        List<ResourceConfig> rs = ids.stream()
                .map(id -> new ResourceConfig(id, "placeholder", Map.of(), OP_TIMEOUT, OP_TIMEOUT, MONITOR_INTERVAL, OP_TIMEOUT))
                .toList();
        GroupConfig g = new GroupConfig(GroupId.of(group), ids, Optional.ofNullable(preferredOrNull).map(NodeId::of));
        return new ClusterConfig("test", "0123456789abcdef".getBytes(), 7800, 7480, Timing.DEFAULT, Policy.DEFAULT, ns, rs, List.of(g));
    }
}
