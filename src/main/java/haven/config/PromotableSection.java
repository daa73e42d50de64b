package haven.config;

import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A group's {@code promotable:} block: which members hold the primary role and how many replicas run.
 * <pre>
 *   promotable:
 *     members: [pg]     # promoted on the primary, run as replicas elsewhere; the group's other members run
 *                       # only with the primary (its address, say). Default: the group's first member.
 *     replicas: 2       # nodes running a replica besides the primary, at most; default: every node that may
 *     primaries: 1      # only 1 for now
 *     notify: true      # run the agents' notify action before and after every start, stop, promotion and demotion
 *                       # of an instance (OCF_RESKEY_CRM_meta_notify_*), as Pacemaker's notify=true; default false
 * </pre>
 * Promoted members are listed first in the group (the primary starts them, promotes them, then starts the rest)
 * and must be OCF agents or replicated-dir, the only kinds with promote and demote actions.
 */
final class PromotableSection {
    static final List<String> KEYS = List.of("members", "replicas", "primaries", "notify");
    private static final String EXAMPLE = "e.g. promotable: {members: [db], replicas: 2}";

    private PromotableSection() {}

    /** The group's block; empty when it has none, or when it has one with a problem (reported). */
    static Optional<GroupConfig.Promotable> read(Fields group, List<ResourceId> members, Map<String, String> types,
            Problems problems) {
        if (!group.has("promotable")) return Optional.empty();
        Optional<Fields> block = group.mapping("promotable", KEYS);
        if (block.isEmpty()) {
            return Optional.empty();
        }
        Fields f = block.get();
        OptionalInt primaries = f.integer("primaries", 1, 1, 1, "a group has one primary for now; leave primaries out");
        OptionalInt replicas = f.integer("replicas", 0, 1000, GroupConfig.Promotable.EVERY_NODE,
                "how many nodes run a replica besides the primary, e.g. replicas: 2 (leave it out for every node)");
        Optional<Boolean> notify = f.bool("notify", false);
        List<ResourceId> promoted = promoted(f, members, problems);
        if (primaries.isEmpty() || replicas.isEmpty() || promoted.isEmpty() || notify.isEmpty()) {
            return Optional.empty();
        }
        if (!members.subList(0, promoted.size()).equals(promoted)) {
            problems.add(f.valuePlace("members"), f.key("members") + " " + names(promoted) + " must be the group's first members"
                    + " (the primary starts and promotes them before the rest), but the group lists " + names(members),
                    "list " + names(promoted) + " first in the group's members");
            return Optional.empty();
        }
        for (ResourceId r : promoted) {
            String type = types.getOrDefault(r.name(), "");
            if (type.isEmpty()) continue; // the resource itself is in error, reported where it is written
            if (type.equals(GroupConfig.Promotable.POSTGRESQL) && !notify.get()) {
                problems.add(f.valuePlace("members"), f.key("members") + ": resource '" + r.name() + "' (type postgresql) learns"
                        + " which node is primary from notifications, which this group does not send", "add notify: true to promotable");
                return Optional.empty();
            }
            if (!type.startsWith("ocf:") && !GroupConfig.Promotable.BUILT_IN.contains(type)) {
                problems.add(f.valuePlace("members"), f.key("members") + ": resource '" + r.name() + "' (type " + type
                        + ") has no primary role to promote", "promote OCF agents that implement promote and demote (" + EXAMPLE
                        + "), replicated-dir or postgresql; run the others only with the primary by leaving them out of promotable.members");
                    return Optional.empty();
            }
        }
        return Optional.of(new GroupConfig.Promotable(promoted, replicas.getAsInt(), notify.get()));
    }

    /** The promoted members as written, or the group's first member; empty after a reported problem. */
    private static List<ResourceId> promoted(Fields f, List<ResourceId> members, Problems problems) {
        if (members.isEmpty()) return List.of();
        if (!f.has("members")) return List.of(members.get(0));
        Optional<List<YamlNode>> items = f.list("members");
        if (items.isEmpty()) return List.of();
        if (items.get().isEmpty()) {
            problems.add(f.valuePlace("members"), f.key("members") + " is empty", "name the members to promote, " + EXAMPLE);
            return List.of();
        }
        List<ResourceId> out = new ArrayList<>();
        for (YamlNode item : items.get()) {
            if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
                problems.add(item.place(), f.key("members") + " must list resource names, not " + item.describe(), EXAMPLE);
                return List.of();
            }
            ResourceId id = ResourceId.of(s.text());
            if (!members.contains(id) || out.contains(id)) {
                problems.add(s.place(), f.key("members") + " names '" + s.text() + "', which is "
                        + (out.contains(id) ? "listed twice" : "not a member of this group"), "promote members of the group, each once: "
                        + names(members));
                return List.of();
            }
            out.add(id);
        }
        return out;
    }

    private static String names(List<ResourceId> ids) {
        return ids.stream().map(ResourceId::name).toList().toString();
    }
}
