package haven.config;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A group's placement preferences:
 * <pre>
 *   location:                          # scores added per node; the highest total wins
 *     - { node: n1, score: 100 }
 *     - { where: rack=a, score: 50 }   # nodes whose attributes pass the test
 *     - { where: ssd, score: -inf }    # never on a node with an ssd attribute
 *   colocate:
 *     - { with: db }                   # only on db's node (db's primary if db is promotable); score inf by default
 *     - { with: web, score: -inf }     # never on web's node
 *     - { with: cache, score: 200 }    # rather on cache's node
 *   after: [db]                        # starts once db runs, stops before db stops (kind: optional only orders starts)
 *   failback: 02:00-04:00              # a running group moves back to a better node only within this daily window
 *   needs: { cpu: 2, memory_mb: 2048 } # of the capacity of the node it runs on: no placement overcommits a node
 *   clone: 2                           # run on 2 nodes at once (all: on every node that may)
 * </pre>
 * The groups named in {@code with} are checked once every group is known ({@link #checkColocations}).
 */
final class PlacementSection {
    static final List<String> KEYS = List.of("location", "colocate", "after", "failback", "needs", "clone");
    private static final List<String> AFTER_KEYS = List.of("group", "kind");
    private static final String AFTER_EXAMPLE = "e.g. after: [db] or after: [{ group: db, kind: optional }]";
    private static final List<String> LOCATION_KEYS = List.of("node", "where", "score");
    private static final List<String> COLOCATE_KEYS = List.of("with", "score", "role");
    private static final String LOCATION_EXAMPLE = "e.g. location: [{ node: n1, score: 100 }, { where: rack=a, score: 50 }]";
    private static final String COLOCATE_EXAMPLE = "e.g. colocate: [{ with: db }, { with: web, score: -inf }]";

    /**
     * A colocation or an order as written, kept with its place until every group is known. {@code with}: the group
     * named; {@code anyInstance}: a colocation with role: any.
     */
    record Reference(GroupId from, String with, Place at, boolean anyInstance, String what) {
        Reference(GroupId from, String with, Place at, boolean anyInstance) {
            this(from, with, at, anyInstance, "colocate");
        }
    }

    record Result(PlacementRules rules, List<Reference> references) {}

    private PlacementSection() {}

    /** The group's preferences; empty after a reported problem. */
    static Optional<Result> read(Fields group, GroupId id, Map<String, Place> nodeNames, Set<String> witnesses,
            Set<String> attributeNames, Set<String> capacityUnits, Problems problems) {
        List<PlacementRules.Location> locations = new ArrayList<>();
        List<PlacementRules.Colocation> colocations = new ArrayList<>();
        List<Reference> references = new ArrayList<>();
        boolean ok = true;
        List<YamlNode> items = group.has("location") ? group.list("location").orElse(null) : List.of();
        if (items == null) return Optional.empty();
        for (int i = 0; i < items.size(); i++) {
            Optional<PlacementRules.Location> l = itemFields(group, "location", i, items.get(i), LOCATION_KEYS, LOCATION_EXAMPLE, problems)
                    .flatMap(f -> location(f, nodeNames, witnesses, attributeNames, problems));
            ok &= l.map(locations::add).orElse(false);
        }
        items = group.has("colocate") ? group.list("colocate").orElse(null) : List.of();
        if (items == null) return Optional.empty();
        for (int i = 0; i < items.size(); i++) {
            Optional<Fields> f = itemFields(group, "colocate", i, items.get(i), COLOCATE_KEYS, COLOCATE_EXAMPLE, problems);
            Optional<PlacementRules.Colocation> c = f.flatMap(x -> colocation(x, problems));
            if (c.isPresent()) {
                colocations.add(c.get());
                references.add(new Reference(id, c.get().with().name(), f.get().valuePlace("with"), c.get().anyInstance()));
            } else {
                ok = false;
            }
        }
        List<PlacementRules.After> after = new ArrayList<>();
        items = group.has("after") ? group.list("after").orElse(null) : List.of();
        if (items == null) return Optional.empty();
        for (int i = 0; i < items.size(); i++) {
            Optional<PlacementRules.After> a = after(group, i, items.get(i), problems);
            if (a.isPresent()) {
                after.add(a.get());
                references.add(new Reference(id, a.get().first().name(), groupPlace(items.get(i)), false, "after"));
            } else {
                ok = false;
            }
        }
        Optional<TimeWindow> failback = Optional.empty();
        if (group.has("failback")) {
            Optional<String> text = group.text("failback");
            if (text.isEmpty()) return Optional.empty();
            TimeWindow.Result w = TimeWindow.parse(text.get());
            if (w.window().isEmpty()) {
                problems.add(group.valuePlace("failback"), group.key("failback") + ": " + w.error(), TimeWindow.SYNTAX);
                return Optional.empty();
            }
            failback = w.window();
        }
        Optional<java.util.SortedMap<String, Long>> needs = Units.read(group, "needs", problems);
        if (needs.isEmpty()) return Optional.empty();
        for (String unit : needs.get().keySet()) {
            if (!capacityUnits.contains(unit)) {
                problems.add(group.valuePlace("needs"), group.key("needs") + "." + unit + ": no node has a capacity of " + unit
                        + (capacityUnits.isEmpty() ? " (no node declares a capacity)" : " (units declared: " + String.join(", ", capacityUnits) + ")"),
                        "declare it on the nodes that offer it, e.g. nodes: [{ name: n1, ..., capacity: { " + unit + ": 8 } }], or fix the name");
                ok = false;
            }
        }
        OptionalInt clones = clones(group, problems);
        if (clones.isEmpty()) return Optional.empty();
        return ok ? Optional.of(new Result(new PlacementRules(locations, colocations, after, failback, needs.get(), clones.getAsInt()),
                references)) : Optional.empty();
    }

    /** {@code clone: N} (1 up) or {@code clone: all}; 0 without the key; empty after a reported problem. */
    private static OptionalInt clones(Fields group, Problems problems) {
        if (!group.has("clone")) return OptionalInt.of(0);
        Optional<String> text = group.text("clone");
        if (text.isEmpty()) return OptionalInt.empty();
        String t = text.get().strip();
        if (t.equals("all")) return OptionalInt.of(PlacementRules.ALL);
        if (t.matches("\\d{1,6}") && Integer.parseInt(t) >= 1) return OptionalInt.of(Integer.parseInt(t));
        problems.add(group.valuePlace("clone"), group.key("clone") + " '" + t + "' is not a number of nodes",
                "write clone: 2 (at most two nodes run it at once) or clone: all (every node that may)");
        return OptionalInt.empty();
    }

    /** Where an entry of {@code after:} names its group. */
    private static Place groupPlace(YamlNode item) {
        if (!(item instanceof YamlNode.Mapping m)) return item.place();
        for (YamlNode.Entry e : m.entries()) {
            if (e.key().equals("group")) return e.value().place();
        }
        return m.place();
    }

    /** One entry of {@code after:}: a group's name (mandatory), or { group: NAME, kind: mandatory | optional }. */
    private static Optional<PlacementRules.After> after(Fields group, int index, YamlNode item, Problems problems) {
        if (item instanceof YamlNode.Scalar s && !s.isNull()) {
            return Optional.of(new PlacementRules.After(GroupId.of(s.text().strip()), true));
        }
        Optional<Fields> f = itemFields(group, "after", index, item, AFTER_KEYS, AFTER_EXAMPLE, problems);
        if (f.isEmpty()) return Optional.empty();
        Optional<String> first = f.get().requiredText("group", "the group to start after, " + AFTER_EXAMPLE);
        boolean mandatory = true;
        if (f.get().has("kind")) {
            Optional<String> kind = f.get().text("kind");
            if (kind.isEmpty()) return Optional.empty();
            if (!kind.get().equals("mandatory") && !kind.get().equals("optional")) {
                problems.add(f.get().valuePlace("kind"), f.get().key("kind") + " '" + kind.get() + "' is not a kind of order",
                        "write kind: mandatory (runs only while the other runs; the default) or kind: optional (only waits for its start)");
                return Optional.empty();
            }
            mandatory = kind.get().equals("mandatory");
        }
        boolean isMandatory = mandatory;
        return first.map(g -> new PlacementRules.After(GroupId.of(g.strip()), isMandatory));
    }

    private static Optional<Fields> itemFields(Fields group, String list, int index, YamlNode item, List<String> keys, String example,
            Problems problems) {
        if (!(item instanceof YamlNode.Mapping m)) {
            problems.add(item.place(), group.key(list) + "[#" + (index + 1) + "] must be a mapping, not " + item.describe(), example);
            return Optional.empty();
        }
        return Optional.of(new Fields(m, group.key(list) + "[#" + (index + 1) + "]", m.place(), keys, problems));
    }

    private static Optional<PlacementRules.Location> location(Fields f, Map<String, Place> nodeNames, Set<String> witnesses,
            Set<String> attributeNames, Problems problems) {
        OptionalLong score = score(f, OptionalLong.empty(), problems);
        if (f.has("node") == f.has("where")) {
            problems.add(f.anchor(), f.path() + " must name either node: or where: (one of them)", LOCATION_EXAMPLE);
            return Optional.empty();
        }
        if (f.has("node")) {
            Optional<String> node = f.text("node");
            if (node.isEmpty()) return Optional.empty();
            if (!nodeNames.containsKey(node.get()) || witnesses.contains(node.get())) {
                problems.add(f.valuePlace("node"), f.key("node") + " '" + node.get() + "' is not " + (witnesses.contains(node.get())
                        ? "a node that runs resources (it is a witness)" : "a node"),
                        Suggestions.hint(node.get(), List.copyOf(nodeNames.keySet())).replace("known:", "nodes:"));
                return Optional.empty();
            }
            return score.isEmpty() ? Optional.empty()
                    : Optional.of(new PlacementRules.Location(Optional.of(NodeId.of(node.get())), Optional.empty(), score.getAsLong()));
        }
        Optional<String> text = f.text("where");
        if (text.isEmpty()) return Optional.empty();
        NodeRule.Result rule = NodeRule.parse(text.get());
        if (rule.rule().isEmpty()) {
            problems.add(f.valuePlace("where"), f.key("where") + " '" + text.get() + "': " + rule.error(), NodeRule.SYNTAX);
            return Optional.empty();
        }
        String attribute = rule.rule().get().attribute();
        if (!attributeNames.contains(attribute)) {
            problems.add(f.valuePlace("where"), f.key("where") + " tests attribute '" + attribute + "', which no node has",
                    attributeNames.isEmpty() ? "give nodes attributes first, e.g. nodes: [{ name: n1, ..., attributes: { rack: a } }]"
                            : Suggestions.hint(attribute, List.copyOf(attributeNames)).replace("known:", "attributes:"));
            return Optional.empty();
        }
        return score.isEmpty() ? Optional.empty()
                : Optional.of(new PlacementRules.Location(Optional.empty(), rule.rule(), score.getAsLong()));
    }

    private static Optional<PlacementRules.Colocation> colocation(Fields f, Problems problems) {
        Optional<String> with = f.requiredText("with", "the group to run with (or apart from), " + COLOCATE_EXAMPLE);
        OptionalLong score = score(f, OptionalLong.of(Score.INFINITY), problems);
        boolean anyInstance = false;
        if (f.has("role")) {
            Optional<String> role = f.text("role");
            if (role.isEmpty()) return Optional.empty();
            if (!role.get().equals("primary") && !role.get().equals("any")) {
                problems.add(f.valuePlace("role"), f.key("role") + " '" + role.get() + "' is not a role to colocate with",
                        "write role: primary (with the promotable group's primary, the default) or role: any (with any of its instances)");
                return Optional.empty();
            }
            anyInstance = role.get().equals("any");
        }
        if (with.isEmpty() || score.isEmpty()) return Optional.empty();
        if (score.getAsLong() == 0) {
            problems.add(f.valuePlace("score"), f.key("score") + " 0 has no effect", "remove the colocation, or give it a score");
            return Optional.empty();
        }
        return Optional.of(new PlacementRules.Colocation(GroupId.of(with.get()), score.getAsLong(), anyInstance));
    }

    private static OptionalLong score(Fields f, OptionalLong fallback, Problems problems) {
        if (!f.has("score")) {
            if (fallback.isEmpty()) problems.add(f.anchor(), f.path() + " needs a score", Score.SYNTAX + ", " + LOCATION_EXAMPLE);
            return fallback;
        }
        Optional<String> text = f.text("score");
        if (text.isEmpty()) return OptionalLong.empty();
        OptionalLong v = Score.parse(text.get());
        if (v.isEmpty()) problems.add(f.valuePlace("score"), f.key("score") + " '" + text.get() + "' is not a score", Score.SYNTAX);
        return v;
    }

    /**
     * Every {@code with} and {@code after} names another group, promotable when {@code role: any} asks for its
     * instances, and together they form no loop: the scheduler decides a group after those it is colocated with or
     * starts after, so a loop has no order.
     */
    static void checkColocations(List<Reference> references, Map<String, GroupConfig> groups, Problems problems) {
        Map<String, List<Reference>> from = new java.util.HashMap<>();
        for (Reference r : references) {
            GroupConfig target = groups.get(r.with());
            if (target == null) {
                problems.add(r.at(), r.what() + " names '" + r.with() + "', which is not a group (a resource in no group is a group of"
                        + " its own, named after it)", Suggestions.hint(r.with(), List.copyOf(groups.keySet())).replace("known:", "groups:"));
            } else if (r.with().equals(r.from().name())) {
                problems.add(r.at(), "group '" + r.from() + "' " + (r.what().equals("after") ? "starts after" : "is colocated with")
                        + " itself", "name another group");
            } else if (r.anyInstance() && !target.isPromotable() && !target.isClone()) {
                problems.add(r.at(), "role: any asks for the instances of '" + r.with() + "', which is not promotable (it runs on one"
                        + " node)", "remove role: any");
            } else {
                from.computeIfAbsent(r.from().name(), k -> new ArrayList<>()).add(r);
            }
        }
        loop(from).ifPresent(cycle -> problems.add(cycle.get(0).at(), "colocations and orders form a loop: " + String.join(" -> ",
                cycle.stream().map(r -> r.from().name()).toList()) + " -> " + cycle.get(0).from()
                + ": each group is decided after the groups it is colocated with or starts after, so a loop has no first",
                "let the dependent group name the one it follows, one way only (colocate: and after: both point from the"
                        + " dependent to what it depends on)"));
    }

    /** A loop of colocations, as the references that make it, or empty. */
    private static Optional<List<Reference>> loop(Map<String, List<Reference>> from) {
        Map<String, Integer> state = new java.util.HashMap<>(); // 1: on the current path, 2: done
        for (String start : from.keySet()) {
            if (state.containsKey(start)) continue;
            java.util.ArrayDeque<java.util.Iterator<Reference>> stack = new java.util.ArrayDeque<>();
            java.util.ArrayDeque<Reference> path = new java.util.ArrayDeque<>();
            state.put(start, 1);
            stack.push(from.getOrDefault(start, List.of()).iterator());
            while (!stack.isEmpty()) {
                if (!stack.peek().hasNext()) {
                    stack.pop();
                    Reference left = path.pollLast();
                    state.put(left == null ? start : left.with(), 2);
                    continue;
                }
                Reference r = stack.peek().next();
                Integer s = state.get(r.with());
                if (s != null && s == 1) {
                    List<Reference> cycle = new ArrayList<>(path);
                    cycle.add(r);
                    while (!cycle.get(0).from().name().equals(r.with())) cycle.remove(0);
                    return Optional.of(cycle);
                }
                if (s == null) {
                    state.put(r.with(), 1);
                    path.addLast(r);
                    stack.push(from.getOrDefault(r.with(), List.of()).iterator());
                }
            }
        }
        return Optional.empty();
    }
}
