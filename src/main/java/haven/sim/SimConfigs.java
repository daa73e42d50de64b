package haven.sim;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Cluster configs for simulations: N nodes, one web group (vip, site) preferring n1. */
final class SimConfigs {
    private SimConfigs() {}

    static ClusterConfig web(int nodes) {
        return web(nodes, false);
    }

    /** The first level's fence device; {@link #SECOND_FENCE_DEVICE} is the next level's, where there is one. */
    static final String FENCE_DEVICE = "sim";
    static final String SECOND_FENCE_DEVICE = "pdu";

    /** {@link #web(int, boolean)} with a fence device that can power off every member. */
    static ClusterConfig fenced(int nodes, boolean witness) {
        return withFenceLevels(web(nodes, witness), 1);
    }

    /** {@code c} fenced by {@code levels} (1 or 2) levels of one device each, for every member. */
    static ClusterConfig withFenceLevels(ClusterConfig c, int levels) {
        List<haven.config.fence.FenceDevice> devices = new ArrayList<>();
        for (String name : List.of(FENCE_DEVICE, SECOND_FENCE_DEVICE).subList(0, levels)) {
            devices.add(haven.config.fence.FenceDevice.namedPlugs(name, "fence_" + name, Map.of(),
                    c.nodeIds().stream().map(NodeId::name).toList(), Duration.ofSeconds(5), Duration.ZERO));
        }
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(), c.resources(),
                c.groups(), c.quorum(), Optional.of(haven.config.fence.FencingTopology.oneLevelPerDevice(devices)));
    }

    /** {@link #fenced} with no_quorum_policy freeze. */
    static ClusterConfig frozen(int nodes) {
        ClusterConfig c = fenced(nodes, false);
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(), c.resources(),
                c.groups(), new haven.config.Quorum(haven.config.Quorum.Mode.MAJORITY, false, haven.config.Quorum.NoQuorumPolicy.FREEZE,
                        List.of()), c.fencing());
    }

    /** Two nodes in two_node mode, fenced by the simulated device, with the default priority delay. */
    static ClusterConfig pair() {
        ClusterConfig c = fenced(2, false);
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(), c.resources(),
                c.groups(), new haven.config.Quorum(haven.config.Quorum.Mode.TWO_NODE, true, haven.config.Quorum.NoQuorumPolicy.STOP,
                        List.of()), c.fencing());
    }

    /**
     * Timing drawn from the ranges the config check accepts (lease shorter than failure_timeout +
     * verify_timeout, heartbeat under half of failure_timeout), with a lease of at least three heartbeats.
     */
    static Timing drawTiming(java.util.Random r) {
        long beat = 50 + r.nextInt(101);
        long failure = 2 * beat + 1 + r.nextInt(400);
        long verify = 50 + r.nextInt(251);
        // The config check wants lease >= 3 heartbeats < failure_timeout + verify_timeout: make room where the draw left none.
        if (failure + verify <= 3 * beat) failure = 3 * beat - verify + 1;
        long lease = 3 * beat + r.nextInt((int) (failure + verify - 3 * beat));
        return new Timing(Duration.ofMillis(beat), Duration.ofMillis(failure), Duration.ofMillis(verify), Duration.ofMillis(lease),
                Duration.ofMillis(50 + r.nextInt(251)), Duration.ofMillis(1_000 + r.nextInt(2_001)));
    }

    static String describe(Timing t) {
        return "heartbeat " + t.heartbeatInterval().toMillis() + " failure " + t.failureTimeout().toMillis() + " verify "
                + t.verifyTimeout().toMillis() + " lease " + t.lease().toMillis() + " margin " + t.leaseMargin().toMillis() + " join "
                + t.joinTimeout().toMillis() + " ms";
    }

    /** {@code c} with a second group, db (one process resource), preferring n2: what a config change adds. */
    static ClusterConfig withDb(ClusterConfig c) {
        Duration s20 = Duration.ofSeconds(20);
        List<ResourceConfig> rs = new ArrayList<>(c.resources());
        rs.add(new ResourceConfig(ResourceId.of("db"), "process", Map.of("command", "true"), s20, s20, Duration.ofSeconds(2), s20));
        List<GroupConfig> gs = new ArrayList<>(c.groups());
        gs.add(new GroupConfig(GroupId.of("db"), List.of(ResourceId.of("db")), Optional.of(NodeId.of("n2"))));
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(), rs, gs, c.quorum(),
                c.fencing());
    }

    static ClusterConfig withTiming(ClusterConfig c, Timing t) {
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), t, c.policy(), c.nodes(), c.resources(),
                c.groups(), c.quorum(), c.fencing());
    }

    /**
     * {@link #fenced} with web promotable: site (a promoted member) runs on every node, promoted on one, and vip
     * runs only with the primary. site is a replicated directory, the built-in type whose copies {@link SimCopies}
     * models: the scheduler treats it as one (it waits for its scores before it promotes).
     */
    static ClusterConfig promotable(int nodes) {
        return promotable(nodes, false);
    }

    /** {@code notify}: with notification rounds around every action on site (promotable.notify). */
    static ClusterConfig promotable(int nodes, boolean notify) {
        ClusterConfig c = fenced(nodes, false);
        List<ResourceId> members = List.of(ResourceId.of("site"), ResourceId.of("vip"));
        GroupConfig web = new GroupConfig(GroupId.of("web"), members, Optional.of(NodeId.of("n1")), haven.config.StartOrder.Mode.AUTO,
                members, Optional.of(new GroupConfig.Promotable(List.of(ResourceId.of("site")), GroupConfig.Promotable.EVERY_NODE, notify)));
        List<ResourceConfig> resources = c.resources().stream().map(r -> !r.id().equals(ResourceId.of("site")) ? r
                : new ResourceConfig(r.id(), GroupConfig.Promotable.REPLICATED_DIR, Map.of("directory", "/srv/site"), r.startTimeout(),
                        r.stopTimeout(), r.monitorInterval(), r.monitorTimeout())).toList();
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(), resources,
                List.of(web), c.quorum(), c.fencing());
    }

    /** With {@code witness}, the last of the {@code nodes} members is a witness named w + its number. */
    static ClusterConfig web(int nodes, boolean witness) {
        List<NodeConfig> ns = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            boolean w = witness && i == nodes;
            ns.add(new NodeConfig(NodeId.of((w ? "w" : "n") + i), "10.0.0." + i, w ? NodeConfig.Role.WITNESS : NodeConfig.Role.NODE));
        }
        Duration s20 = Duration.ofSeconds(20);
        List<ResourceConfig> rs = List.of(
                new ResourceConfig(ResourceId.of("vip"), "ipaddr", Map.of("address", "10.0.0.100/24"), s20, s20, Duration.ofSeconds(2), s20),
                new ResourceConfig(ResourceId.of("site"), "process", Map.of("command", "true"), s20, s20, Duration.ofSeconds(2), s20));
        // As the config file would give it (order: auto): the address starts after the site and stops before it.
        List<GroupConfig> gs = List.of(new GroupConfig(GroupId.of("web"), List.of(ResourceId.of("vip"), ResourceId.of("site")),
                Optional.of(NodeId.of("n1")), haven.config.StartOrder.Mode.AUTO, List.of(ResourceId.of("site"), ResourceId.of("vip"))));
        return new ClusterConfig("sim", "0123456789abcdef".getBytes(), 7800, 7480, Timing.DEFAULT, Policy.DEFAULT, ns, rs, gs);
    }
}
