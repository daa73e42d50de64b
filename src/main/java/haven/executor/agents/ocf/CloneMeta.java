package haven.executor.agents.ocf;

import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.ResourceConfig;
import haven.core.NodeId;
import java.util.Map;
import java.util.TreeMap;

/**
 * The meta attributes Pacemaker hands every call of an OCF agent, which agents read to learn how they are
 * deployed rather than as parameters: the node the call runs for ({@code on_node}: {@code ocf_attribute_target}
 * falls back to {@code uname -n} without it, which names no cluster node when several share a host name, as the
 * lab's namespaces do), and, for a promoted member of a promotable group, that it is one ({@code promotable},
 * {@code master_max}: mysql, redis and pgsql act as replicas only when {@code ocf_is_ms} says so), how many
 * instances run ({@code clone_max}), and whether notifications come ({@code notify}). Pure.
 *
 * <p>Not passed: {@code clone} (an anonymous instance's number, which agents use only to name clone copies of
 * addresses and mounts, and haven runs none) and {@code globally_unique} beyond {@code false}.
 */
public final class CloneMeta {
    private static final String META = "OCF_RESKEY_CRM_meta_";

    private CloneMeta() {}

    /** The variables for {@code resource}'s agent on {@code self}; empty for an agent that is not OCF. */
    public static Map<String, String> of(ClusterConfig config, ResourceConfig resource, NodeId self) {
        Map<String, String> env = new TreeMap<>();
        if (!OcfType.looksLike(resource.type())) return env;
        env.put(META + "on_node", self.name());
        GroupConfig group = config.groupOf(resource.id());
        if (!group.replicaMembers().contains(resource.id())) return env;
        GroupConfig.Promotable p = group.promotable().orElseThrow();
        int nodes = config.serviceNodeIds().size();
        long instances = p.replicas() == GroupConfig.Promotable.EVERY_NODE ? nodes : Math.min(nodes, p.replicas() + 1L);
        env.put(META + "clone_max", Long.toString(instances));
        env.put(META + "clone_node_max", "1");
        env.put(META + "globally_unique", "false");
        env.put(META + "promotable", "true");
        // Both spellings: agents older than Pacemaker 2.1 read the master_* names.
        for (String role : new String[] {"promoted", "master"}) {
            env.put(META + role + "_max", "1");
            env.put(META + role + "_node_max", "1");
        }
        env.put(META + "notify", Boolean.toString(p.notifies()));
        return env;
    }
}
