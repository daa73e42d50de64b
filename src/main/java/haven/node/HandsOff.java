package haven.node;

import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Which of this node's groups haven leaves alone, as an administrator said: all of them in cluster-wide maintenance
 * or while this node is in maintenance, an unmanaged group everywhere. Left alone means what is found is seen (and
 * said), not undone: nothing started, stopped or recovered, no failure committed (it would count toward a ban once
 * hands are back on). Remembers which groups were left alone at the last step, since handing one back means looking
 * at its resources again before reconciling them.
 */
final class HandsOff {
    private final NodeId self;
    private Set<GroupId> before = Set.of();
    private boolean inMaintenance = false;

    HandsOff(NodeId self) {
        this.self = self;
    }

    boolean of(ClusterState state, GroupId group) {
        return why(state, group).isPresent();
    }

    /** Why haven leaves {@code group} alone here, in the words of the node's log. */
    Optional<String> why(ClusterState state, GroupId group) {
        if (state.maintenance().on()) return Optional.of("maintenance mode");
        if (state.controls().nodeMaintenance().contains(self)) return Optional.of("node maintenance");
        if (group != null && state.controls().unmanaged().contains(group)) return Optional.of("unmanaged");
        return Optional.empty();
    }

    Optional<String> whyResource(ClusterState state, ClusterConfig config, ResourceId resource) {
        return why(state, config.resource(resource).isPresent() ? config.groupOf(resource).id() : null);
    }

    /**
     * Where hands are back on since the last step, the resources are probed again: what was done by hand meanwhile is
     * found before anything is reconciled.
     */
    void step(ClusterConfig config, ClusterState state, LocalResources local, boolean runsResources, Consumer<Effect> out) {
        boolean maintenance = state.maintenance().on();
        if (inMaintenance && !maintenance && runsResources) {
            for (var r : config.resources()) local.reprobe(r.id());
            out.accept(new Effect.Note("maintenance mode ended: probing every resource, then reconciling to the cluster state",
                    Probe.MAINTENANCE_ENDED));
        }
        inMaintenance = maintenance;
        for (GroupId back : handedBack(config, state)) {
            if (!runsResources || maintenance) continue;
            config.group(back).ifPresent(g -> g.members().forEach(local::reprobe));
            out.accept(new Effect.Note("hands back on " + back + ": probing its resources, then reconciling them to the cluster state",
                    Probe.MAINTENANCE_ENDED));
        }
    }

    /** The groups left alone at the last step that no longer are (cluster-wide maintenance aside: its end probes everything). */
    private Set<GroupId> handedBack(ClusterConfig config, ClusterState state) {
        Set<GroupId> now = new TreeSet<>();
        boolean nodeMaintenance = state.controls().nodeMaintenance().contains(self);
        if (nodeMaintenance || !state.controls().unmanaged().isEmpty()) {
            for (GroupConfig g : config.groups()) {
                if (nodeMaintenance || state.controls().unmanaged().contains(g.id())) now.add(g.id());
            }
        }
        Set<GroupId> back = new TreeSet<>(before);
        back.removeAll(now);
        before = now;
        return back;
    }
}
