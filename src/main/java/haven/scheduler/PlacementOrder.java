package haven.scheduler;

import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.GroupId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The order a plan decides groups in: the config's, except that a group comes after every group it is colocated
 * with or starts after, so that where those run, and whether they run, is known when it is decided. The config check refuses loops of colocations; one
 * that slipped in anyway (a config built in code) is broken where it closes, never looped on.
 */
final class PlacementOrder {
    private PlacementOrder() {}

    static List<GroupConfig> of(ClusterConfig config) {
        List<GroupConfig> groups = config.groups();
        if (groups.stream().allMatch(g -> g.placement().dependsOn().isEmpty())) return groups;
        List<GroupConfig> out = new ArrayList<>(groups.size());
        Set<GroupId> visited = new HashSet<>();
        for (GroupConfig g : groups) visit(g, config, visited, out);
        return out;
    }

    /** Depth-first with an explicit stack: a chain of 50,000 colocations must not overflow the thread's stack. */
    private static void visit(GroupConfig root, ClusterConfig config, Set<GroupId> visited, List<GroupConfig> out) {
        if (!visited.add(root.id())) return;
        java.util.ArrayDeque<GroupConfig> path = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<java.util.Iterator<GroupId>> next = new java.util.ArrayDeque<>();
        path.push(root);
        next.push(root.placement().dependsOn().iterator());
        while (!path.isEmpty()) {
            if (next.peek().hasNext()) {
                GroupId with = next.peek().next();
                var g = config.group(with);
                if (g.isPresent() && visited.add(with)) {
                    path.push(g.get());
                    next.push(g.get().placement().dependsOn().iterator());
                }
            } else {
                next.pop();
                out.add(path.pop());
            }
        }
    }
}
