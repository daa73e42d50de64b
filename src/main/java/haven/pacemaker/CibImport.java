package haven.pacemaker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * `haven import pacemaker`: a Pacemaker CIB (cibadmin --query) written as a haven config. Nodes keep their names,
 * attributes and utilization (as capacity); primitives become resources with their agent, parameters and operation
 * timeouts; groups, clones and promotable clones become groups; constraints become each group's location, colocate and
 * after; cluster options the policy and quorum. The CIB holds no node addresses (corosync's config does): they are
 * given, or written as documentation addresses (192.0.2.N) to replace. What cannot be carried over is listed in
 * {@link Result#warnings}, and what cannot be imported at all is refused ({@link ImportException}).
 */
public final class CibImport {
    /**
     * {@code standby}: nodes in standby in the CIB; {@code disabled}: groups whose target-role is Stopped. Both are
     * runtime state in haven (`haven node standby`, `haven resource disable`), not config.
     */
    public record Result(String yaml, List<String> warnings, Set<String> standby, Set<String> disabled) {}

    private CibImport() {}

    public static Result convert(String xml, Map<String, String> addresses) throws ImportException {
        Cib cib = Cib.parse(xml);
        List<String> warnings = new ArrayList<>();
        Element nodesElement = cib.at("configuration/nodes").orElseThrow(() -> new ImportException("the CIB has no <nodes>"));
        Map<String, Element> nodes = new LinkedHashMap<>();
        for (Element n : Cib.children(nodesElement, "node")) {
            String name = n.hasAttribute("uname") ? n.getAttribute("uname") : n.getAttribute("id");
            Values.checkName(name, n);
            if ("remote".equals(n.getAttribute("type"))) {
                warnings.add(Cib.where(n) + ": Pacemaker Remote nodes are not imported");
                continue;
            }
            nodes.put(name, n);
        }
        if (nodes.isEmpty()) throw new ImportException("the CIB's <nodes> lists no cluster node");
        for (String named : addresses.keySet()) {
            if (!nodes.containsKey(named)) throw new ImportException("--address " + named + "=...: no node of the CIB is named " + named);
        }
        CibResources resources = new CibResources(cib.at("configuration/resources")
                .orElseThrow(() -> new ImportException("the CIB has no <resources>")), warnings);
        CibConstraints constraints = cib.at("configuration/constraints").isPresent()
                ? new CibConstraints(cib.at("configuration/constraints").get(), resources, nodes.keySet(), warnings)
                : null;
        Map<String, String> options = cib.at("configuration/crm_config").map(e -> Cib.pairs(e, "cluster_property_set")).orElse(Map.of());
        Map<String, String> defaults = cib.at("configuration/rsc_defaults").map(e -> Cib.pairs(e, "meta_attributes")).orElse(Map.of());

        StringBuilder y = new StringBuilder("# imported from a Pacemaker CIB by `haven import pacemaker`: review it, then `haven config check`\n");
        y.append("cluster:\n  name: ").append(Values.quoted(options.getOrDefault("cluster-name", "imported"))).append('\n');
        y.append("  key: \"").append(newKey()).append("\"   # a new cluster key: copy this file to every node as it is\n");
        Set<String> standby = new LinkedHashSet<>();
        y.append("nodes:\n");
        int i = 1;
        for (var e : nodes.entrySet()) {
            String address = addresses.get(e.getKey());
            y.append("  - name: ").append(e.getKey()).append('\n');
            y.append("    address: ").append(address != null ? address : "192.0.2." + i + "   # the CIB has no addresses: write this node's")
                    .append('\n');
            Map<String, String> attributes = new LinkedHashMap<>(Cib.pairs(e.getValue(), "instance_attributes"));
            if ("on".equalsIgnoreCase(attributes.remove("standby")) ) standby.add(e.getKey());
            if (!attributes.isEmpty()) y.append("    attributes: ").append(inline(attributes, true)).append('\n');
            Map<String, String> utilization = Cib.pairs(e.getValue(), "utilization");
            if (!utilization.isEmpty()) y.append("    capacity: ").append(inline(utilization, false)).append('\n');
            i++;
        }
        CibPolicy.append(y, options, defaults, warnings);
        y.append("resources:\n");
        for (CibResources.Unit u : resources.units) {
            for (CibResources.Primitive p : u.members()) CibPolicy.resource(y, p, warnings);
        }
        y.append("groups:\n");
        for (CibResources.Unit u : resources.units) {
            CibPolicy.group(y, u, constraints, warnings);
        }
        if (!standby.isEmpty()) {
            warnings.add("nodes in standby in the CIB: " + standby + "; after applying, run `haven node standby` for each");
        }
        Set<String> disabled = new LinkedHashSet<>();
        for (CibResources.Unit u : resources.units) {
            boolean stopped = "Stopped".equalsIgnoreCase(u.meta().get("target-role"))
                    || u.members().stream().anyMatch(p -> "Stopped".equalsIgnoreCase(p.meta().get("target-role")));
            if (stopped) disabled.add(u.name());
        }
        return new Result(y.toString(), List.copyOf(warnings), standby, disabled);
    }

    /** {@code { a: "1", b: "x" }}; numbers unquoted when {@code quoteValues} is false. */
    static String inline(Map<String, String> m, boolean quoteValues) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + ": " + (quoteValues ? Values.quoted(v) : v.strip())));
        return "{ " + String.join(", ", parts) + " }";
    }

    private static String newKey() {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }
}
