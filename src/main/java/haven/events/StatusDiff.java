package haven.events;

import haven.cib.ClusterState;
import haven.cib.FailureRecord;
import haven.cib.FenceRecord;
import haven.cib.GroupState;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.node.LocalState;
import haven.node.NodeStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The transitions between two consecutive status snapshots of one node, in a fixed order (membership,
 * quorum, coordinator, then the cluster state's parts, then this node's own resources). Pure. The snapshots
 * are published after every step of the event loop, so every committed change and every local state
 * change appears in some pair; a change and its undoing inside one step cancel out, which is what a
 * reader of the status would have seen too.
 */
public final class StatusDiff {
    private StatusDiff() {}

    public static List<Change> between(NodeStatus prev, NodeStatus next) {
        List<Change> out = new ArrayList<>();
        membership(prev, next, out);
        if (prev.quorate() != next.quorate()) {
            out.add(Change.of("quorum", next.quorate() ? "quorum gained" : "quorum lost", "quorate", next.quorate()));
        }
        if (!prev.coordinator().equals(next.coordinator())) {
            out.add(Change.of("coordinator", "coordinator " + name(prev.coordinator()) + " -> " + name(next.coordinator()),
                    "coordinator", next.coordinator().map(NodeId::name).orElse(null),
                    "previous", prev.coordinator().map(NodeId::name).orElse(null)));
        }
        // States are immutable and replaced only when an entry commits: the same object means nothing changed.
        if (prev.state() != next.state()) {
            state(prev.state(), next.state(), out);
        }
        if (prev.state() != next.state() || !prev.local().equals(next.local())) {
            resources(prev, next, out);
        }
        return out;
    }

    private static void membership(NodeStatus prev, NodeStatus next, List<Change> out) {
        if (prev.members().equals(next.members())) return;
        List<String> joined = next.members().stream().filter(n -> !prev.members().contains(n)).map(NodeId::name).toList();
        List<String> left = prev.members().stream().filter(n -> !next.members().contains(n)).map(NodeId::name).toList();
        List<String> members = next.members().stream().map(NodeId::name).toList();
        StringBuilder text = new StringBuilder();
        if (!joined.isEmpty()) text.append(String.join(", ", joined)).append(" joined; ");
        if (!left.isEmpty()) text.append(String.join(", ", left)).append(" left; ");
        text.append("members ").append(members);
        out.add(Change.of("membership", text.toString(), "joined", joined, "left", left, "members", members));
    }

    /** The changes from one committed state to another (for the timeline, one command at a time). */
    public static List<Change> stateChanges(ClusterState prev, ClusterState next) {
        List<Change> out = new ArrayList<>();
        state(prev, next, out);
        return out;
    }

    private static void state(ClusterState prev, ClusterState next, List<Change> out) {
        if (prev.maintenance().on() != next.maintenance().on()) {
            out.add(next.maintenance().on()
                    ? Change.of("maintenance", "maintenance mode on: " + next.maintenance().reason(), "on", true,
                            "reason", next.maintenance().reason())
                    : Change.of("maintenance", "maintenance mode off: resources reconcile to the cluster state again", "on", false));
        }
        TreeSet<GroupId> groups = new TreeSet<>(prev.groups().keySet());
        groups.addAll(next.groups().keySet());
        for (GroupId g : groups) {
            GroupState a = prev.group(g);
            GroupState b = next.group(g);
            if (!a.assigned().equals(b.assigned()) || a.generation() != b.generation()) {
                out.add(Change.of("placement", "group " + g + " placed on " + name(b.assigned()) + " (generation "
                        + b.generation() + "), was on " + name(a.assigned()),
                        "group", g.name(), "node", b.assigned().map(NodeId::name).orElse(null),
                        "previous", a.assigned().map(NodeId::name).orElse(null), "generation", b.generation()));
            }
        }
        TreeSet<NodeId> standby = new TreeSet<>(prev.standby());
        standby.addAll(next.standby());
        for (NodeId n : standby) {
            boolean now = next.standby().contains(n);
            if (prev.standby().contains(n) != now) {
                out.add(Change.of("standby", n + (now ? " put in standby" : " back online"), "node", n.name(), "standby", now));
            }
        }
        TreeSet<GroupId> moved = new TreeSet<>(prev.moves().keySet());
        moved.addAll(next.moves().keySet());
        for (GroupId g : moved) {
            NodeId to = next.moves().get(g);
            if (!Objects.equals(prev.moves().get(g), to)) {
                out.add(Change.of("move", to == null ? "move of group " + g + " cleared" : "group " + g + " moved to " + to,
                        "group", g.name(), "to", to == null ? null : to.name()));
            }
        }
        controls(prev.controls(), next.controls(), out);
        failures(prev, next, out);
        if (prev.config().version() != next.config().version()) {
            out.add(Change.of("config", "config version " + next.config().version() + " committed (was " + prev.config().version()
                    + "); every node applies it live", "version", next.config().version(), "previous", prev.config().version(),
                    "sha256", next.config().sha256()));
        }
        Set<FenceRecord> oldFences = new HashSet<>(prev.fencing());
        for (FenceRecord f : next.fencing()) {
            if (!oldFences.contains(f)) {
                out.add(Change.of("fencing", f.node() + (f.ok() ? " fenced" : " NOT fenced") + " by " + f.by() + ": " + f.summary(),
                        "node", f.node().name(), "by", f.by().name(), "ok", f.ok(), "summary", f.summary()));
            }
        }
        TreeSet<NodeId> pinged = new TreeSet<>(prev.connectivity().keySet());
        pinged.addAll(next.connectivity().keySet());
        for (NodeId n : pinged) {
            Integer now = next.connectivity().get(n);
            if (!Objects.equals(prev.connectivity().get(n), now)) {
                out.add(Change.of("ping", n + " reaches " + now + " ping nodes", "node", n.name(), "reachable", now));
            }
        }
    }

    /** The administrator's day-two controls: each change is an event and a timeline line. */
    private static void controls(haven.cib.AdminControls prev, haven.cib.AdminControls next, List<Change> out) {
        if (prev.equals(next)) return;
        for (GroupId g : changed(prev.disabled(), next.disabled())) {
            boolean on = next.disabled().contains(g);
            out.add(Change.of("disabled", "group " + g + (on ? " disabled: it stops and stays stopped" : " enabled: it may run again"),
                    "group", g.name(), "disabled", on));
        }
        for (GroupId g : changed(prev.unmanaged(), next.unmanaged())) {
            boolean on = next.unmanaged().contains(g);
            out.add(Change.of("unmanaged", "group " + g + (on ? " unmanaged: monitored only" : " managed again"), "group", g.name(),
                    "unmanaged", on));
        }
        for (GroupId g : changed(prev.restarting().keySet(), next.restarting().keySet())) {
            NodeId on = next.restarting().get(g);
            out.add(Change.of("restart", on != null ? "group " + g + " restarting (back on " + on + ")" : "group " + g + " restarted",
                    "group", g.name(), "node", on == null ? prev.restarting().get(g).name() : on.name(), "done", on == null));
        }
        for (GroupId g : changed(prev.moveUntil().keySet(), next.moveUntil().keySet())) {
            Long until = next.moveUntil().get(g);
            if (until != null) {
                out.add(Change.of("move", "the move of group " + g + " lasts until " + java.time.Instant.ofEpochMilli(until), "group",
                        g.name(), "until_epoch_ms", until));
            }
        }
        for (NodeId n : changed(prev.nodeMaintenance(), next.nodeMaintenance())) {
            boolean on = next.nodeMaintenance().contains(n);
            out.add(Change.of("node-maintenance", n + (on ? " in maintenance: its resources are left alone" : " out of maintenance"),
                    "node", n.name(), "on", on));
        }
    }

    /** The members of either set that are not in both. */
    private static <T extends Comparable<T>> TreeSet<T> changed(Set<T> a, Set<T> b) {
        TreeSet<T> out = new TreeSet<>(a);
        out.addAll(b);
        out.removeIf(x -> a.contains(x) == b.contains(x));
        return out;
    }

    private static void failures(ClusterState prev, ClusterState next, List<Change> out) {
        Set<FailureRecord> before = new HashSet<>(prev.failures());
        Set<FailureRecord> after = new HashSet<>(next.failures());
        for (FailureRecord f : next.failures()) {
            if (!before.contains(f)) {
                out.add(Change.of("failure", f.resource() + " failed on " + f.node() + ": " + f.detail(),
                        "resource", f.resource().name(), "node", f.node().name(), "failed_at", f.atEpochMs(), "detail", f.detail()));
            }
        }
        // A cleanup removes records; records dropped only because the list is bounded are not cleanups.
        TreeSet<String> cleared = new TreeSet<>();
        for (FailureRecord f : prev.failures()) {
            if (!after.contains(f) && next.failures().size() < prev.failures().size()) cleared.add(f.resource().name());
        }
        for (String r : cleared) {
            out.add(Change.of("cleanup", "failures of " + r + " cleared", "resource", r));
        }
    }

    private static void resources(NodeStatus prev, NodeStatus next, List<Change> out) {
        for (GroupConfig g : next.config().groups()) {
            for (ResourceId r : g.members()) {
                String a = prev.resourceState(prev.state().group(g.id()), r);
                String b = next.resourceState(next.state().group(g.id()), r);
                if (!a.equals(b)) {
                    out.add(Change.of("resource", r + ": " + a + " -> " + b, "resource", r.name(), "group", g.id().name(),
                            "state", b, "previous", a));
                }
            }
        }
        for (var rc : next.config().resources()) {
            ResourceId r = rc.id();
            LocalState a = prev.local().get(r);
            LocalState b = next.local().get(r);
            if (a != b) {
                out.add(Change.of("local", r + " on " + next.self() + ": " + label(a) + " -> " + label(b),
                        "resource", r.name(), "state", label(b), "previous", label(a)));
            }
        }
    }

    private static String label(LocalState s) {
        return s == null ? "unknown" : s.label();
    }

    private static String name(Optional<NodeId> n) {
        return n.map(NodeId::name).orElse("(none)");
    }
}
