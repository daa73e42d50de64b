package haven.api;

import haven.cib.FailureRecord;
import haven.cib.GroupState;
import haven.config.GroupConfig;
import haven.config.NodeConfig;
import haven.config.ResourceConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.node.NodeStatus;
import haven.scheduler.Explanation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The /ha tree as data: one node's status snapshot laid out as nested maps, so that every path names either
 * a branch (a map) or a leaf (a scalar, or a list of scalars). Built afresh per request from an immutable
 * snapshot, so a reader never sees half of one step and half of the next. Keys are part of the API.
 */
public final class HaTree {
    private HaTree() {}

    public static Map<String, Object> of(NodeStatus s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("cluster", cluster(s));
        root.put("quorum", QuorumView.of(s));
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (NodeConfig n : s.config().nodes()) nodes.put(n.id().name(), node(s, n));
        root.put("nodes", nodes);
        Map<String, Object> resources = new LinkedHashMap<>();
        for (ResourceConfig r : s.config().resources()) resources.put(r.id().name(), resource(s, r));
        root.put("resources", resources);
        Map<String, Object> groups = new LinkedHashMap<>();
        for (GroupConfig g : s.config().groups()) groups.put(g.id().name(), group(s, g));
        root.put("groups", groups);
        return root;
    }

    /**
     * Puts under resources/R/replication what this node knows of R's replicated data, for the resources whose agent
     * knows any (replicated-dir): a node's own copy, which only it can tell.
     */
    @SuppressWarnings("unchecked")
    static void addReplication(Map<String, Object> tree, NodeStatus s, java.util.function.Function<ResourceId, Map<String, String>> replication) {
        Map<String, Object> resources = (Map<String, Object>) tree.get("resources");
        for (ResourceConfig r : s.config().resources()) {
            Map<String, String> here = replication.apply(r.id());
            if (!here.isEmpty()) ((Map<String, Object>) resources.get(r.id().name())).put("replication", new LinkedHashMap<>(here));
        }
    }

    /** The same for the status document (NodeStatus#toMap): each group's resources list gains "replication". */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withReplication(Map<String, Object> status, java.util.function.Function<ResourceId, Map<String, String>> replication) {
        for (Object g : (List<Object>) status.getOrDefault("groups", List.of())) {
            for (Object r : (List<Object>) ((Map<String, Object>) g).getOrDefault("resources", List.of())) {
                Map<String, Object> res = (Map<String, Object>) r;
                Map<String, String> here = replication.apply(ResourceId.of((String) res.get("name")));
                if (!here.isEmpty()) res.put("replication", new LinkedHashMap<>(here));
            }
        }
        return status;
    }

    private static Map<String, Object> cluster(NodeStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.config().clusterName());
        m.put("node", s.self().name());
        m.put("coordinator", s.coordinator().map(NodeId::name).orElse(null));
        m.put("quorate", s.quorate());
        m.put("members", s.members().stream().map(NodeId::name).toList());
        m.put("version", s.state().version());
        m.put("views_seen", s.viewsSeen());
        m.put("maintenance", s.state().maintenance().on());
        m.put("maintenance_reason", s.state().maintenance().reason());
        return m;
    }

    private static Map<String, Object> node(NodeStatus s, NodeConfig n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", n.id().name());
        m.put("role", n.role().label());
        m.put("online", s.members().contains(n.id()));
        m.put("standby", s.state().standby().contains(n.id()));
        m.put("maintenance", s.state().controls().nodeMaintenance().contains(n.id()));
        if (!n.capacity().isEmpty()) {
            m.put("capacity", n.capacity());
            m.put("used", haven.scheduler.Utilization.usedOn(s.config(), s.state(), n.id()));
        }
        m.put("ping_reachable", s.state().connectivity().get(n.id()));
        List<String> groups = new ArrayList<>();
        for (GroupConfig g : s.config().groups()) {
            if (s.state().group(g.id()).assigned().equals(Optional.of(n.id()))) groups.add(g.id().name());
        }
        m.put("groups", groups);
        return m;
    }

    private static Map<String, Object> resource(NodeStatus s, ResourceConfig r) {
        GroupConfig g = s.config().groupOf(r.id());
        GroupState gs = s.state().group(g.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.id().name());
        m.put("type", r.type());
        m.put("group", g.id().name());
        m.put("state", s.resourceState(gs, r.id()));
        m.put("node", gs.assigned().map(NodeId::name).orElse(null));
        m.put("moved_to", Optional.ofNullable(s.state().moves().get(g.id())).map(NodeId::name).orElse(null));
        m.put("local", s.local().get(r.id()).label());
        m.put("failures", s.state().failures().stream().filter(f -> f.resource().equals(r.id()))
                .map(HaTree::failure).toList());
        m.put("why", why(s, g));
        return m;
    }

    private static String failure(FailureRecord f) {
        return f.node().name() + " " + f.atEpochMs() + " " + f.detail();
    }

    private static Map<String, Object> group(NodeStatus s, GroupConfig g) {
        GroupState gs = s.state().group(g.id());
        Explanation e = s.explanations().get(g.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", g.id().name());
        m.put("node", gs.assigned().map(NodeId::name).orElse(null));
        m.put("generation", gs.generation());
        m.put("started", gs.started());
        m.put("may_be_active", gs.mayBeActive().stream().map(NodeId::name).toList());
        m.put("moved_to", Optional.ofNullable(s.state().moves().get(g.id())).map(NodeId::name).orElse(null));
        NodeStatus.controls(s.state(), g.id(), m);
        if (g.isClone()) {
            m.put("clone", true);
            m.put("instances", gs.instances().stream().map(NodeId::name).toList());
            m.put("started_on", gs.startedOn().stream().map(NodeId::name).toList());
        }
        if (g.isPromotable()) {
            m.put("instances", gs.instances().stream().map(NodeId::name).toList());
            m.put("promoted", g.replicaMembers().stream().map(ResourceId::name).toList());
        }
        if (g.notifies()) m.put("notify_round", gs.round().filter(haven.cib.NotifyRound::open).map(haven.cib.NotifyRound::describe).orElse(null));
        m.put("resources", g.members().stream().map(ResourceId::name).toList());
        m.put("decision", e == null ? null : e.decision());
        m.put("reasons", e == null ? List.of() : e.nodeReasons());
        m.put("why", why(s, g));
        return m;
    }

    /** The text `haven why` prints; kept word for word from the first API. */
    static String why(NodeStatus s, GroupConfig g) {
        Explanation e = s.explanations().get(g.id());
        StringBuilder b = new StringBuilder();
        b.append("group ").append(g.id()).append(" [")
                .append(String.join(", ", g.members().stream().map(ResourceId::name).toList())).append("]\n");
        b.append(g.isPromotable() ? "  primary:   " : "  placed on: ").append(s.state().group(g.id()).assigned().map(NodeId::name).orElse("(nowhere)"))
                .append(" (generation ").append(s.state().group(g.id()).generation()).append(")\n");
        if (g.isPromotable()) {
            b.append("  instances: ").append(String.join(", ", s.state().group(g.id()).instances().stream().map(NodeId::name).toList()))
                    .append(" (").append(String.join(", ", g.replicaMembers().stream().map(ResourceId::name).toList()))
                    .append(" on each; the rest with the primary)\n");
            s.state().group(g.id()).round().filter(haven.cib.NotifyRound::open)
                    .ifPresent(r -> b.append("  notifying: ").append(r.describe()).append('\n'));
        }
        b.append("  decision:  ").append(e == null ? "(not planned yet)" : e.decision()).append('\n');
        if (e != null) {
            for (String r : e.nodeReasons()) b.append("    ").append(r).append('\n');
        }
        return b.toString();
    }
}
