package haven.config;

import haven.core.Suggestions;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code groups:} list, and the implicit groups: every resource belongs to exactly one group, so a
 * resource listed in none gets a group of its own, named after it and placed after the written groups.
 */
final class GroupsSection {
    static final List<String> KEYS = List.of("name", "members", "prefer", "order", "promotable", "location", "colocate", "after", "failback",
            "needs", "clone");

    private GroupsSection() {}

    /** {@code resourceTypes}: each resource's type word, by name. */
    static List<GroupConfig> read(Fields root, Map<String, Place> nodeNames, java.util.Set<String> witnesses,
                                  java.util.Set<String> attributeNames, java.util.Set<String> capacityUnits, Map<String, Place> resourceNames,
                                  Map<String, String> resourceTypes, Problems problems) {
        List<GroupConfig> groups = new ArrayList<>();
        List<PlacementSection.Reference> colocations = new ArrayList<>();
        Map<String, Place> groupNames = new HashMap<>();
        Map<String, Place> memberOf = new LinkedHashMap<>();
        Map<String, String> groupOfMember = new HashMap<>();
        List<YamlNode> items = root.list("groups").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            Fields.item("groups", i, items.get(i), KEYS, problems)
                    .flatMap(f -> group(f, groupNames, nodeNames, witnesses, resourceNames, resourceTypes, memberOf, groupOfMember,
                            problems).flatMap(g -> placement(f, g, nodeNames, witnesses, attributeNames, capacityUnits, colocations, problems)))
                    .ifPresent(groups::add);
        }
        for (String resource : resourceNames.keySet()) {
            if (memberOf.containsKey(resource)) {
                continue;
            }
            Place clash = groupNames.get(resource);
            if (clash != null) {
                problems.add(clash, "group name '" + resource + "' is taken by the implicit group of resource '"
                                + resource + "', which is in no group",
                        "rename the group, or list resource '" + resource + "' in a group");
            } else {
                groups.add(new GroupConfig(GroupId.of(resource), List.of(ResourceId.of(resource)), Optional.empty()));
            }
        }
        Map<String, GroupConfig> byName = new HashMap<>();
        groups.forEach(g -> byName.put(g.id().name(), g));
        PlacementSection.checkColocations(colocations, byName, problems);
        return groups;
    }

    /** The group with its location: and colocate: preferences; empty after a reported problem. */
    private static Optional<GroupConfig> placement(Fields f, GroupConfig group, Map<String, Place> nodeNames,
            java.util.Set<String> witnesses, java.util.Set<String> attributeNames, java.util.Set<String> capacityUnits,
            List<PlacementSection.Reference> colocations, Problems problems) {
        Optional<PlacementSection.Result> read = PlacementSection.read(f, group.id(), nodeNames, witnesses, attributeNames, capacityUnits,
                problems);
        read.ifPresent(r -> colocations.addAll(r.references()));
        if (read.isPresent() && read.get().rules().clones() > 0 && group.isPromotable()) {
            problems.add(f.valuePlace("clone"), f.key("clone") + ": a promotable group runs on several nodes already (its replicas)",
                    "remove clone: (a promotable group's promoted members run on every node of it as replicas)");
            return Optional.empty();
        }
        return read.map(r -> group.withPlacement(r.rules()));
    }

    private static Optional<GroupConfig> group(Fields f, Map<String, Place> groupNames, Map<String, Place> nodeNames,
                                               java.util.Set<String> witnesses, Map<String, Place> resourceNames,
                                               Map<String, String> resourceTypes, Map<String, Place> memberOf,
                                               Map<String, String> groupOfMember, Problems problems) {
        Optional<String> name = f.requiredName("name", "group");
        boolean unique = name.isPresent() && NodesSection.firstUse(groupNames, name.get(), f.valuePlace("name"),
                f.key("name") + " '" + name.get() + "'", "give each group its own name", problems);
        List<ResourceId> members = members(f, name.orElse("?"), resourceNames, memberOf, groupOfMember, problems);
        Optional<NodeId> prefer = Optional.empty();
        Optional<String> preferred = f.text("prefer");
        if (preferred.isPresent()) {
            if (witnesses.contains(preferred.get())) {
                problems.add(f.valuePlace("prefer"), f.key("prefer") + " '" + preferred.get() + "' is a witness, which runs no"
                        + " resources", "prefer one of the nodes with role node");
                return Optional.empty();
            } else if (nodeNames.containsKey(preferred.get())) {
                prefer = Optional.of(NodeId.of(preferred.get()));
            } else {
                problems.add(f.valuePlace("prefer"), f.key("prefer") + " '" + preferred.get() + "' is not a node",
                        Suggestions.hint(preferred.get(), List.copyOf(nodeNames.keySet())).replace("known:", "nodes:"));
                return Optional.empty();
            }
        }
        Optional<StartOrder.Mode> order = order(f, problems);
        Optional<GroupConfig.Promotable> promotable = PromotableSection.read(f, members, resourceTypes, problems);
        for (ResourceId m : members) {
            boolean promoted = promotable.map(p -> p.members().contains(m)).orElse(false);
            String type = resourceTypes.get(m.name());
            if (type != null && GroupConfig.Promotable.BUILT_IN.contains(type) && !promoted
                    && (promotable.isPresent() || !f.has("promotable"))) {
                problems.add(f.valuePlace("members"), f.key("members") + ": resource '" + m.name() + "' is a " + type + ", which"
                        + " has a primary and replicas", "make the group promotable with it among the promoted members, e.g."
                        + " promotable: { members: [" + m.name() + "] }");
            }
        }
        if (!unique || members.isEmpty() || order.isEmpty() || (f.has("promotable") && promotable.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new GroupConfig(GroupId.of(name.get()), members, prefer, order.get(), members, promotable));
    }

    /** The {@code order:} key; {@code auto} when absent, empty when it is not one of the words. */
    private static Optional<StartOrder.Mode> order(Fields f, Problems problems) {
        if (!f.has("order")) return Optional.of(StartOrder.Mode.AUTO);
        Optional<String> word = f.text("order");
        if (word.isEmpty()) return Optional.empty();
        Optional<StartOrder.Mode> mode = StartOrder.Mode.of(word.get());
        if (mode.isEmpty()) {
            problems.add(f.valuePlace("order"), f.key("order") + " '" + word.get() + "' is not a start order",
                    "write one of " + String.join(", ", StartOrder.Mode.words()) + " (auto, the default: the group's"
                            + " addresses start after its other members; listed: exactly as members lists them)");
        }
        return mode;
    }

    /** The group's members as listed; empty when the list is missing, empty, or has a bad entry. */
    private static List<ResourceId> members(Fields f, String group, Map<String, Place> resourceNames,
                                            Map<String, Place> memberOf, Map<String, String> groupOfMember,
                                            Problems problems) {
        String hint = "list the resources to run together, in start order, e.g. members: [vip, site]";
        if (!f.has("members")) {
            problems.add(f.anchor(), f.key("members") + " is missing", hint);
            return List.of();
        }
        List<YamlNode> items = f.list("members").orElse(null);
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            problems.add(f.valuePlace("members"), f.key("members") + " is empty: a group needs at least one resource",
                    hint + "; or remove the group");
            return List.of();
        }
        List<ResourceId> members = new ArrayList<>();
        boolean ok = true;
        for (YamlNode item : items) {
            ok &= member(f, group, item, resourceNames, memberOf, groupOfMember, problems).map(members::add).orElse(false);
        }
        return ok ? members : List.of();
    }

    private static Optional<ResourceId> member(Fields f, String group, YamlNode item, Map<String, Place> resourceNames,
                                               Map<String, Place> memberOf, Map<String, String> groupOfMember,
                                               Problems problems) {
        String what = f.key("members");
        if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
            problems.add(item.place(), what + " must list resource names, not " + item.describe(),
                    "write members: [vip, site]");
            return Optional.empty();
        }
        String name = s.text();
        if (!resourceNames.containsKey(name)) {
            problems.add(s.place(), what + " names '" + name + "', which is not a resource",
                    Suggestions.hint(name, List.copyOf(resourceNames.keySet())).replace("known:", "resources:"));
            return Optional.empty();
        }
        Place first = memberOf.putIfAbsent(name, s.place());
        if (first != null) {
            String other = groupOfMember.get(name);
            String message = other.equals(group)
                    ? what + " lists resource '" + name + "' twice (first at " + first.describe() + ")"
                    : what + ": resource '" + name + "' is already in group '" + other + "' (" + first.describe() + ")";
            problems.add(s.place(), message, "a resource belongs to at most one group; list it once");
            return Optional.empty();
        }
        groupOfMember.put(name, group);
        return Optional.of(ResourceId.of(name));
    }
}
