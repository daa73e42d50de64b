package haven.pacemaker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * The CIB's {@code <constraints>} as each haven group's {@code location:}, {@code colocate:} and {@code after:} items
 * (inline YAML). A constraint names a primitive, group or clone; haven places groups, so it binds the group the
 * named resource ended up in. What has no counterpart (resource sets, tickets, role-specific locations, asymmetric
 * orders, rules with several expressions) is reported, never dropped in silence.
 */
final class CibConstraints {
    private static final Map<String, String> OPERATIONS = Map.of("eq", "=", "ne", "!=", "gt", ">", "gte", ">=", "lt", "<", "lte", "<=");

    final Map<String, List<String>> locations = new LinkedHashMap<>();
    final Map<String, List<String>> colocations = new LinkedHashMap<>();
    final Map<String, List<String>> orders = new LinkedHashMap<>();

    CibConstraints(Element constraints, CibResources resources, Set<String> nodes, List<String> warnings) throws ImportException {
        for (Element c : Cib.children(constraints)) {
            if (!Cib.children(c, "resource_set").isEmpty()) {
                warnings.add(Cib.where(c) + ": resource sets are not imported; write one constraint per pair instead");
                continue;
            }
            switch (c.getTagName()) {
                case "rsc_location" -> location(c, resources, nodes, warnings);
                case "rsc_colocation" -> colocation(c, resources, warnings);
                case "rsc_order" -> order(c, resources, warnings);
                default -> warnings.add(Cib.where(c) + ": no haven counterpart (tickets are not built); skipped");
            }
        }
    }

    private static String group(Element c, String attribute, CibResources resources) throws ImportException {
        String id = c.getAttribute(attribute);
        String g = resources.groupOf.get(id);
        if (g == null) throw new ImportException(Cib.where(c) + ": " + attribute + "=\"" + id + "\" names no resource of the CIB");
        return g;
    }

    private void location(Element c, CibResources resources, Set<String> nodes, List<String> warnings) throws ImportException {
        if (c.hasAttribute("rsc-pattern")) {
            warnings.add(Cib.where(c) + ": rsc-pattern is not imported; write a location on each group it matches");
            return;
        }
        if (c.hasAttribute("role")) {
            warnings.add(Cib.where(c) + ": a location for one role is not imported (haven's locations apply to every instance)");
            return;
        }
        String g = group(c, "rsc", resources);
        if (c.hasAttribute("node")) {
            String node = c.getAttribute("node");
            if (!nodes.contains(node)) throw new ImportException(Cib.where(c) + ": node=\"" + node + "\" is no node of the CIB");
            add(locations, g, "{ node: " + node + ", score: " + Values.score(c.getAttribute("score"), c) + " }");
            return;
        }
        for (Element rule : Cib.children(c, "rule")) {
            List<Element> expressions = Cib.children(rule, "expression");
            if (expressions.size() != 1 || Cib.children(rule).size() != 1) {
                warnings.add(Cib.where(rule) + ": a rule with several expressions (or dates) is not imported; haven's where: tests one attribute");
                continue;
            }
            Element x = expressions.get(0);
            String score = Values.score(rule.hasAttribute("score") ? rule.getAttribute("score") : "0", rule);
            String attribute = x.getAttribute("attribute");
            String op = x.getAttribute("operation");
            String value = x.getAttribute("value");
            if (attribute.equals("#uname") && (op.equals("eq") || op.equals("ne"))) {
                if (op.equals("eq")) {
                    add(locations, g, "{ node: " + value + ", score: " + score + " }");
                } else {
                    for (String n : nodes) if (!n.equals(value)) add(locations, g, "{ node: " + n + ", score: " + score + " }");
                }
            } else if (op.equals("defined")) {
                add(locations, g, "{ where: " + attribute + ", score: " + score + " }");
            } else if (op.equals("not_defined")) {
                // haven's where: tests for an attribute, not for its absence.
                warnings.add(Cib.where(x) + ": not_defined is not imported; write where: on the attribute the other nodes have");
            } else if (OPERATIONS.containsKey(op) && !attribute.startsWith("#")) {
                add(locations, g, "{ where: " + Values.quoted(attribute + OPERATIONS.get(op) + value) + ", score: " + score + " }");
            } else {
                warnings.add(Cib.where(x) + ": operation '" + op + "' on '" + attribute + "' is not imported");
            }
        }
    }

    private void colocation(Element c, CibResources resources, List<String> warnings) throws ImportException {
        String g = group(c, "rsc", resources);
        String with = group(c, "with-rsc", resources);
        if (g.equals(with)) return; // within one haven group: its members run together anyway
        String score = Values.score(c.getAttribute("score"), c);
        if (score.equals("0")) return;
        String role = c.getAttribute("with-rsc-role");
        boolean promotable = resources.units.stream().anyMatch(u -> u.name().equals(with) && u.kind() == CibResources.Kind.PROMOTABLE);
        boolean anyInstance = promotable && !(role.equals("Promoted") || role.equals("Master"));
        if (!c.getAttribute("rsc-role").isEmpty() && !c.getAttribute("rsc-role").equals("Started")) {
            warnings.add(Cib.where(c) + ": rsc-role " + c.getAttribute("rsc-role") + " is imported as the group's primary (haven"
                    + " colocates a promotable group's primary)");
        }
        add(colocations, g, "{ with: " + with + (score.equals("inf") ? "" : ", score: " + score) + (anyInstance ? ", role: any" : "") + " }");
    }

    private void order(Element c, CibResources resources, List<String> warnings) throws ImportException {
        String first = group(c, "first", resources);
        String then = group(c, "then", resources);
        if (first.equals(then)) return; // within one haven group: its start order says it
        String kind = c.getAttribute("kind");
        boolean optional = kind.equals("Optional") || (kind.isEmpty() && c.hasAttribute("score") && Values.score(c.getAttribute("score"), c).equals("0"));
        if (kind.equals("Serialize")) {
            warnings.add(Cib.where(c) + ": kind Serialize is imported as optional (haven has no serialized orders)");
            optional = true;
        }
        if ("false".equals(c.getAttribute("symmetrical"))) {
            warnings.add(Cib.where(c) + ": symmetrical=false is imported as symmetrical (haven stops in reverse)");
        }
        add(orders, then, optional ? "{ group: " + first + ", kind: optional }" : first);
    }

    private static void add(Map<String, List<String>> into, String group, String item) {
        into.computeIfAbsent(group, k -> new ArrayList<>()).add(item);
    }
}
