package haven.node;

import haven.cib.ClusterState;
import haven.cib.FailureRecord;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.scheduler.Explanation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * An immutable snapshot of what one node knows, published after every step for the API to read.
 * {@link #toMap} is the /ha/status document; its shape is part of the API.
 */
public record NodeStatus(ClusterConfig config, NodeId self, ClusterState state, List<NodeId> members,
        Optional<NodeId> coordinator, boolean quorate, Map<ResourceId, LocalState> local,
        SortedMap<GroupId, Explanation> explanations, long viewsSeen) {

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cluster", config.clusterName());
        m.put("node", self.name());
        m.put("coordinator", coordinator.map(NodeId::name).orElse(null));
        m.put("quorate", quorate);
        m.put("version", state.version());
        m.put("members", members.stream().map(NodeId::name).toList());
        m.put("views_seen", viewsSeen);
        m.put("maintenance", Map.of("on", state.maintenance().on(), "reason", state.maintenance().reason(),
                "since_epoch_ms", state.maintenance().sinceEpochMs()));
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeId n : config.nodeIds()) {
            Map<String, Object> nm = new LinkedHashMap<>();
            nm.put("name", n.name());
            nm.put("role", config.node(n).map(c -> c.role().label()).orElse("node"));
            nm.put("online", members.contains(n));
            nm.put("standby", state.standby().contains(n));
            nm.put("maintenance", state.controls().nodeMaintenance().contains(n));
            config.node(n).filter(c -> !c.capacity().isEmpty()).ifPresent(c -> {
                nm.put("capacity", c.capacity());
                nm.put("used", haven.scheduler.Utilization.usedOn(config, state, n));
            });
            nodes.add(nm);
        }
        m.put("nodes", nodes);
        List<Map<String, Object>> groups = new ArrayList<>();
        for (GroupConfig g : config.groups()) {
            groups.add(group(g));
        }
        m.put("groups", groups);
        List<Map<String, Object>> fencing = new ArrayList<>();
        for (var f : state.fencing()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("node", f.node().name());
            fm.put("by", f.by().name());
            fm.put("at_epoch_ms", f.atEpochMs());
            fm.put("ok", f.ok());
            fm.put("summary", f.summary());
            fencing.add(fm);
        }
        m.put("fencing", fencing);
        Map<String, Object> reach = new LinkedHashMap<>();
        state.connectivity().forEach((n, c) -> reach.put(n.name(), c));
        m.put("ping_reachable", reach);
        List<Map<String, Object>> failures = new ArrayList<>();
        for (FailureRecord f : state.failures()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("resource", f.resource().name());
            fm.put("node", f.node().name());
            fm.put("at", f.atEpochMs());
            fm.put("detail", f.detail());
            failures.add(fm);
        }
        m.put("failures", failures);
        return m;
    }

    private Map<String, Object> group(GroupConfig g) {
        GroupState gs = state.group(g.id());
        Map<String, Object> gm = new LinkedHashMap<>();
        gm.put("name", g.id().name());
        gm.put("node", gs.assigned().map(NodeId::name).orElse(null));
        gm.put("generation", gs.generation());
        gm.put("started", gs.started());
        gm.put("may_be_active", gs.mayBeActive().stream().map(NodeId::name).toList());
        gm.put("moved_to", Optional.ofNullable(state.moves().get(g.id())).map(NodeId::name).orElse(null));
        controls(state, g.id(), gm);
        if (g.isPromotable()) {
            // The primary is "node"; every node that runs an instance, the primary's among them.
            gm.put("instances", gs.instances().stream().map(NodeId::name).toList());
            gm.put("promoted", g.replicaMembers().stream().map(ResourceId::name).toList());
        }
        if (g.isClone()) {
            gm.put("clone", true);
            gm.put("instances", gs.instances().stream().map(NodeId::name).toList());
            gm.put("started_on", gs.startedOn().stream().map(NodeId::name).toList());
        }
        if (g.notifies()) gm.put("notify_round", gs.round().filter(haven.cib.NotifyRound::open).map(haven.cib.NotifyRound::describe).orElse(null));
        Explanation e = explanations.get(g.id());
        gm.put("decision", e == null ? null : e.decision());
        gm.put("reasons", e == null ? List.of() : e.nodeReasons());
        List<Map<String, Object>> rs = new ArrayList<>();
        for (ResourceId r : g.members()) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("name", r.name());
            rm.put("type", config.resource(r).map(x -> x.type()).orElse("?"));
            rm.put("state", resourceState(gs, r));
            rm.put("local", local.get(r).label());
            rs.add(rm);
        }
        gm.put("resources", rs);
        return gm;
    }

    /** A group's day-two controls, in the status and the /ha tree alike. */
    public static void controls(ClusterState state, GroupId g, Map<String, Object> into) {
        into.put("moved_until_epoch_ms", state.controls().moveUntil().get(g));
        into.put("disabled", state.controls().disabled().contains(g));
        into.put("unmanaged", state.controls().unmanaged().contains(g));
        into.put("restarting_on", Optional.ofNullable(state.controls().restarting().get(g)).map(NodeId::name).orElse(null));
    }

    /**
     * Where the resource runs as the cluster knows it: from this node's own view if it runs here. Public for
     * the /ha tree and the event stream, which show the same words.
     */
    public String resourceState(GroupState gs, ResourceId r) {
        if (config.resource(r).isPresent() && config.groupOf(r).isClone()) {
            if (gs.instances().isEmpty()) return gs.mayBeActive().isEmpty() ? "stopped" : "stopping " + gs.mayBeActive();
            List<String> each = new ArrayList<>();
            for (NodeId n : gs.instances()) {
                each.add(n.equals(self) ? local.get(r).label() + " " + n : (gs.startedOn().contains(n) ? "started " : "starting ") + n);
            }
            return String.join(", ", each);
        }
        if (gs.assigned().equals(Optional.of(self))) {
            return local.get(r) == LocalState.STARTED ? "started " + self : local.get(r).label() + " " + self;
        }
        if (gs.assigned().isPresent()) {
            return (gs.started() ? "started " : "starting ") + gs.assigned().get();
        }
        return gs.mayBeActive().isEmpty() ? "stopped" : "stopping " + gs.mayBeActive();
    }
}
