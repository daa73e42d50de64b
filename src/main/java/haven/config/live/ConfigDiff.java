package haven.config.live;

import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.ResourceConfig;
import haven.core.GroupId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a config change asks of the resources of a running node, computed from the old and new config alone
 * (and the agents' reload rules):
 * <ul>
 * <li>{@code stopped}: stopped under the old config before the new one is taken: removed resources, members
 * of removed groups, resources whose type or (non-reloadable) parameters changed, and in a group whose
 * start order changed, every old member from the first changed position on. Since a group starts in order,
 * a restarted member takes the members that depend on it down with it, as in Pacemaker (those after it both
 * as listed and in start order: an address the start order put after a service stays up while it restarts).</li>
 * <li>{@code reloaded}: running resources whose only changes are parameters their agent reloads.</li>
 * <li>{@code added}, {@code removed}: resources that appear or disappear; new groups are placed by the
 * coordinator once every node has the new config.</li>
 * </ul>
 * Timeouts and the monitor interval take effect at the next operation without touching the resource.
 */
public record ConfigDiff(Set<ResourceId> added, Set<ResourceId> removed, Set<ResourceId> stopped, Set<ResourceId> reloaded,
                         Set<GroupId> addedGroups, Set<GroupId> removedGroups) {
    public ConfigDiff {
        added = Set.copyOf(added);
        removed = Set.copyOf(removed);
        stopped = Set.copyOf(stopped);
        reloaded = Set.copyOf(reloaded);
        addedGroups = Set.copyOf(addedGroups);
        removedGroups = Set.copyOf(removedGroups);
    }

    public static ConfigDiff between(ClusterConfig old, ClusterConfig next, ReloadRules rules) {
        Set<ResourceId> added = new TreeSet<>();
        Set<ResourceId> removed = new TreeSet<>();
        Set<ResourceId> stopped = new TreeSet<>();
        Set<ResourceId> reloaded = new TreeSet<>();
        for (ResourceConfig n : next.resources()) {
            if (old.resource(n.id()).isEmpty()) added.add(n.id());
        }
        for (ResourceConfig o : old.resources()) {
            Optional<ResourceConfig> n = next.resource(o.id());
            if (n.isEmpty()) {
                removed.add(o.id());
                stopped.add(o.id());
                continue;
            }
            Set<String> changed = changedParams(o.params(), n.get().params());
            if (!o.type().equals(n.get().type())) stopped.add(o.id());
            else if (!changed.isEmpty()) (rules.reloads(n.get(), changed) ? reloaded : stopped).add(o.id());
        }
        Set<GroupId> addedGroups = new TreeSet<>();
        Set<GroupId> removedGroups = new TreeSet<>();
        for (GroupConfig n : next.groups()) {
            if (old.group(n.id()).isEmpty()) addedGroups.add(n.id());
        }
        for (GroupConfig o : old.groups()) {
            Optional<GroupConfig> n = next.group(o.id());
            if (n.isEmpty()) {
                removedGroups.add(o.id());
                stopped.addAll(o.members());
                continue;
            }
            // In start order: a member started after a changed or restarted one depends on it.
            List<ResourceId> was = o.startOrder();
            int from = firstDifference(was, n.get().startOrder());
            stopped.addAll(was.subList(from, was.size()));
            // A restarted member takes the members that depend on it down with it (in start order, so that
            // theirs follow too).
            for (ResourceId r : was) {
                if (stopped.contains(r)) stopped.addAll(o.dependentsOf(r));
            }
        }
        reloaded.removeAll(stopped);
        return new ConfigDiff(added, removed, stopped, reloaded, addedGroups, removedGroups);
    }

    /** Whether applying it touches no resource at all (only timeouts, policy, a preferred node changed). */
    public boolean touchesNothing() {
        return added.isEmpty() && removed.isEmpty() && stopped.isEmpty() && reloaded.isEmpty();
    }

    /** One line for the log: what this change does. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        if (!addedGroups.isEmpty()) parts.add("new groups " + sorted(addedGroups));
        if (!removedGroups.isEmpty()) parts.add("removed groups " + sorted(removedGroups));
        if (!added.isEmpty()) parts.add("new resources " + sorted(added));
        if (!removed.isEmpty()) parts.add("removed resources " + sorted(removed));
        Set<ResourceId> restarted = new TreeSet<>(stopped);
        restarted.removeAll(removed);
        if (!restarted.isEmpty()) parts.add("restart " + sorted(restarted));
        if (!reloaded.isEmpty()) parts.add("reload " + sorted(reloaded));
        return parts.isEmpty() ? "no resource is touched" : String.join("; ", parts);
    }

    private static <T extends Comparable<T>> List<T> sorted(Set<T> s) {
        return List.copyOf(new TreeSet<>(s));
    }

    private static Set<String> changedParams(Map<String, String> old, Map<String, String> next) {
        Set<String> names = new TreeSet<>(old.keySet());
        names.addAll(next.keySet());
        names.removeIf(k -> java.util.Objects.equals(old.get(k), next.get(k)));
        return names;
    }

    /** Where the old member list stops being a prefix of the new one (old.size() when it is one). */
    private static int firstDifference(List<ResourceId> old, List<ResourceId> next) {
        int i = 0;
        while (i < old.size() && i < next.size() && old.get(i).equals(next.get(i))) i++;
        return i;
    }
}
