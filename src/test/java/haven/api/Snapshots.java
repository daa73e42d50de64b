package haven.api;

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
import haven.node.LocalState;
import haven.node.NodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Status snapshots for API and event tests: three nodes (n1..n3), resources vip and site in group web,
 * seen from n1. Each method returns a new snapshot, as the event loop publishes one after each step.
 */
public final class Snapshots {
    public static final NodeId N1 = NodeId.of("n1");
    public static final NodeId N2 = NodeId.of("n2");
    public static final NodeId N3 = NodeId.of("n3");
    public static final GroupId WEB = GroupId.of("web");
    public static final ResourceId VIP = ResourceId.of("vip");
    public static final ResourceId SITE = ResourceId.of("site");

    private Snapshots() {}

    public static ClusterConfig config(int apiPort) {
        List<NodeConfig> ns = new ArrayList<>();
        for (int i = 1; i <= 3; i++) ns.add(new NodeConfig(NodeId.of("n" + i), "10.0.0." + i));
        Duration t = Duration.ofSeconds(20);
        List<ResourceConfig> rs = List.of(
                new ResourceConfig(VIP, "ip", Map.of(), t, t, Duration.ofSeconds(2), t),
                new ResourceConfig(SITE, "process", Map.of(), t, t, Duration.ofSeconds(2), t));
        GroupConfig g = new GroupConfig(WEB, List.of(VIP, SITE), Optional.empty());
        return new ClusterConfig("test", "0123456789abcdef".getBytes(), 7800, apiPort, Timing.DEFAULT, Policy.DEFAULT, ns, rs,
                List.of(g));
    }

    /** The cluster state after these log entries (one command each). */
    public static ClusterState state(Command... commands) {
        ClusterState s = ClusterState.EMPTY;
        for (Command c : commands) s = s.apply(List.of(c));
        return s;
    }

    /** web placed on n2 (generation 1) and started; n1 sees everyone and is coordinator. */
    public static ClusterState webOnN2() {
        return state(new Command.Assign(WEB, Optional.of(N2), "test"), new Command.Started(WEB, N2, 1));
    }

    public static NodeStatus status(ClusterConfig config, ClusterState state, List<NodeId> members, boolean quorate) {
        Map<ResourceId, LocalState> local = new LinkedHashMap<>();
        local.put(VIP, LocalState.STOPPED);
        local.put(SITE, LocalState.STOPPED);
        return new NodeStatus(config, N1, state, members, Optional.of(N1), quorate, local, new TreeMap<>(), 1);
    }

    public static NodeStatus status(ClusterState state) {
        return status(config(7480), state, List.of(N1, N2, N3), true);
    }

    /**
     * web promotable with notifications (site promoted on every node, vip with the primary), n2 assigned the primary
     * role and its pre-promote round open, answered by nobody yet.
     */
    public static NodeStatus notifyingPromotion() {
        ClusterConfig plain = config(7480);
        GroupConfig web = new GroupConfig(WEB, List.of(SITE, VIP), Optional.empty(), haven.config.StartOrder.Mode.LISTED,
                List.of(SITE, VIP), Optional.of(new GroupConfig.Promotable(List.of(SITE), GroupConfig.Promotable.EVERY_NODE, true)));
        ClusterConfig c = new ClusterConfig(plain.clusterName(), plain.key(), plain.port(), plain.apiPort(), plain.timing(),
                plain.policy(), plain.nodes(), plain.resources(), List.of(web));
        ClusterState state = state(new Command.SetInstances(WEB, new java.util.TreeSet<>(List.of(N1, N2, N3))),
                new Command.Assign(WEB, Optional.of(N2), "test"),
                new Command.NotifyOpen(WEB, 7, true, haven.core.Operation.PROMOTE, N2, new java.util.TreeSet<>(List.of(N1, N2, N3)),
                        Optional.empty()));
        return status(c, state, List.of(N1, N2, N3), true);
    }
}
