package haven.scheduler;

import haven.cib.ClusterState;
import haven.cib.Command;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Small builders for scheduler inputs. The scheduler reads only node names, group members, preferred
 * nodes and the policy, so resources are placeholders of one made-up type.
 */
final class Clusters {
    private Clusters() {}

    static NodeId n(String name) {
        return NodeId.of(name);
    }

    static GroupId g(String name) {
        return GroupId.of(name);
    }

    static ResourceId r(String name) {
        return ResourceId.of(name);
    }

    static GroupConfig group(String name, String preferredOrNull, String... members) {
        return new GroupConfig(GroupId.of(name), Arrays.stream(members).map(ResourceId::of).toList(),
                Optional.ofNullable(preferredOrNull).map(NodeId::of));
    }

    static List<String> nodeNames(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) names.add("n" + i);
        return names;
    }

    static ClusterConfig config(List<String> nodes, List<GroupConfig> groups, Policy policy) {
        List<NodeConfig> ns = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            ns.add(new NodeConfig(NodeId.of(nodes.get(i)), "10.0." + (i / 250) + "." + (i % 250 + 1)));
        }
        Duration d = Duration.ofSeconds(20);
        List<ResourceConfig> rs = groups.stream().flatMap(x -> x.members().stream())
                .map(id -> new ResourceConfig(id, "placeholder", Map.of(), d, d, Duration.ofSeconds(2), d))
                .toList();
        return new ClusterConfig("test", "0123456789abcdef".getBytes(), 7800, 7480, Timing.DEFAULT, policy, ns, rs, groups);
    }

    static ClusterConfig config(int nodes, GroupConfig... groups) {
        return config(nodeNames(nodes), List.of(groups), Policy.DEFAULT);
    }

    static Set<NodeId> nodes(String... names) {
        return Arrays.stream(names).map(NodeId::of).collect(Collectors.toCollection(TreeSet::new));
    }

    static SchedulerInput input(ClusterConfig config, ClusterState state, Set<NodeId> online, Set<NodeId> lost, long now) {
        return SchedulerInput.of(config, state, online, lost, now);
    }

    /** Applies commands as separate log entries, as if each had been committed on its own. */
    static ClusterState commit(ClusterState s, Command... commands) {
        for (Command c : commands) s = s.apply(List.of(c));
        return s;
    }

    static Command assign(String group, String node) {
        return new Command.Assign(GroupId.of(group), Optional.of(NodeId.of(node)), "setup");
    }

    static Command takeOff(String group) {
        return new Command.Assign(GroupId.of(group), Optional.empty(), "setup");
    }
}
