package haven.pacemaker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.w3c.dom.Element;

/**
 * The CIB's {@code <resources>} as haven's groups: a primitive alone is a group of its own (haven's implicit group,
 * named after it), a {@code <group>} a group, a {@code <clone>} of either a clone group named after the clone, a
 * promotable clone (or an old {@code <master>}) a promotable group. Every Pacemaker id a constraint may name maps to
 * the haven group it ended up in ({@link #groupOf}).
 */
final class CibResources {
    enum Kind { PLAIN, CLONE, PROMOTABLE }

    record Op(String name, String interval, String timeout) {}

    record Primitive(String id, String type, Map<String, String> params, List<Op> ops, Map<String, String> meta,
            Map<String, Long> utilization) {}

    /** {@code explicit}: written as a haven group (a CIB group or a clone); a lone primitive is haven's implicit group. */
    record Unit(String name, List<Primitive> members, Kind kind, int clones, Map<String, String> meta, boolean explicit) {
        /** What the group needs of a node: its members' utilization, added up (as Pacemaker counts a group's). */
        Map<String, Long> needs() {
            Map<String, Long> out = new TreeMap<>();
            for (Primitive p : members) p.utilization().forEach((k, v) -> out.merge(k, v, Long::sum));
            return out;
        }
    }

    final List<Unit> units = new ArrayList<>();
    final Map<String, String> groupOf = new LinkedHashMap<>();

    CibResources(Element resources, List<String> warnings) throws ImportException {
        for (Element e : Cib.children(resources)) {
            switch (e.getTagName()) {
                case "primitive" -> add(new Unit(e.getAttribute("id"), List.of(primitive(e)), Kind.PLAIN, 0, Map.of(), false), e);
                case "group" -> add(new Unit(e.getAttribute("id"), members(e), Kind.PLAIN, 0, Cib.pairs(e, "meta_attributes"), true), e);
                case "clone", "master" -> add(clone(e, warnings), e);
                case "bundle" -> warnings.add(Cib.where(e) + ": bundles (containers) are not imported; run the container as a"
                        + " systemd or process resource");
                case "template" -> warnings.add(Cib.where(e) + ": resource templates are not imported; their primitives are, with"
                        + " only what they write themselves");
                default -> warnings.add(Cib.where(e) + ": not a resource haven knows; skipped");
            }
        }
    }

    private void add(Unit u, Element e) throws ImportException {
        Values.checkName(u.name(), e);
        if (units.stream().anyMatch(x -> x.name().equals(u.name()))) throw new ImportException(Cib.where(e) + ": the id is used twice");
        units.add(u);
        groupOf.put(u.name(), u.name());
        for (Primitive p : u.members()) groupOf.put(p.id(), u.name());
    }

    private Unit clone(Element e, List<String> warnings) throws ImportException {
        Map<String, String> meta = Cib.pairs(e, "meta_attributes");
        boolean promotable = e.getTagName().equals("master") || "true".equalsIgnoreCase(meta.getOrDefault("promotable", "false"));
        Element inner = Cib.children(e).stream().filter(c -> c.getTagName().equals("primitive") || c.getTagName().equals("group"))
                .findFirst().orElseThrow(() -> new ImportException(Cib.where(e) + ": a clone with no primitive or group inside"));
        List<Primitive> members = inner.getTagName().equals("group") ? members(inner) : List.of(primitive(inner));
        if (inner.getTagName().equals("group")) groupOf.put(inner.getAttribute("id"), e.getAttribute("id"));
        if (!meta.getOrDefault("clone-node-max", "1").equals("1")) {
            warnings.add(Cib.where(e) + ": clone-node-max " + meta.get("clone-node-max") + " is not imported: haven runs at most one"
                    + " instance per node");
        }
        if ("true".equalsIgnoreCase(meta.get("interleave"))) {
            warnings.add(Cib.where(e) + ": interleave is not imported: an order after this clone waits for one started instance anywhere");
        }
        if (promotable) {
            String max = meta.getOrDefault("promoted-max", meta.getOrDefault("master-max", "1"));
            if (!max.equals("1")) throw new ImportException(Cib.where(e) + ": promoted-max " + max + ": haven promotes one node");
            return new Unit(e.getAttribute("id"), members, Kind.PROMOTABLE, cloneMax(meta, e), meta, true);
        }
        return new Unit(e.getAttribute("id"), members, Kind.CLONE, cloneMax(meta, e), meta, true);
    }

    /** clone-max, or 0 for "every node" (its default). */
    private static int cloneMax(Map<String, String> meta, Element e) throws ImportException {
        String max = meta.get("clone-max");
        if (max == null) return 0;
        try {
            int n = Integer.parseInt(max.strip());
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException x) {
            throw new ImportException(Cib.where(e) + ": clone-max '" + max + "' is not a number of nodes");
        }
    }

    private static List<Primitive> members(Element group) throws ImportException {
        List<Primitive> out = new ArrayList<>();
        for (Element p : Cib.children(group, "primitive")) out.add(primitive(p));
        if (out.isEmpty()) throw new ImportException(Cib.where(group) + ": a group with no primitive");
        return out;
    }

    private static Primitive primitive(Element p) throws ImportException {
        String id = p.getAttribute("id");
        Values.checkName(id, p);
        String cls = p.getAttribute("class");
        String type = switch (cls) {
            case "ocf" -> "ocf:" + p.getAttribute("provider") + ":" + p.getAttribute("type");
            case "lsb" -> "lsb:" + p.getAttribute("type");
            case "systemd", "service" -> "systemd:" + p.getAttribute("type");
            case "stonith" -> throw new ImportException(Cib.where(p) + ": a fence device is a resource in Pacemaker, not in haven;"
                    + " import the resources without it and write it in haven's fencing: section");
            default -> throw new ImportException(Cib.where(p) + ": resource class '" + cls + "' has no haven counterpart"
                    + " (ocf, lsb, systemd and service do)");
        };
        List<Op> ops = new ArrayList<>();
        for (Element o : Cib.grandchildren(p, "operations", "op")) ops.add(new Op(o.getAttribute("name"), o.getAttribute("interval"), o.getAttribute("timeout")));
        Map<String, Long> utilization = new TreeMap<>();
        for (var e : Cib.pairs(p, "utilization").entrySet()) utilization.put(e.getKey(), Values.amount(e.getValue(), p, e.getKey()));
        return new Primitive(id, type, Cib.pairs(p, "instance_attributes"), ops, Cib.pairs(p, "meta_attributes"), utilization);
    }
}
