package haven.config;

import haven.core.Suggestions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fence device's {@code hosts:}, the nodes it can power off and the plug of each: a list of node names
 * (the plug is the name, as for VMs) or a mapping from node name to plug (an outlet number, a BMC's slot).
 * A witness may be listed: fencing it is as valid as fencing any other member.
 */
final class FenceHosts {
    private FenceHosts() {}

    /** Node name → plug, or empty when anything is wrong (reported). */
    static Optional<Map<String, String>> read(Fields d, Map<String, Place> nodeNames, String hint, Problems problems) {
        String what = d.key("hosts");
        Optional<YamlNode> node = d.node("hosts");
        if (node.isEmpty()) {
            problems.add(d.anchor(), what + " is missing", hint);
            return Optional.empty();
        }
        Map<String, String> plugs = new LinkedHashMap<>();
        Map<String, Place> seen = new HashMap<>();
        boolean ok = true;
        if (node.get() instanceof YamlNode.Sequence seq) {
            for (YamlNode item : seq.items()) {
                if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
                    problems.add(item.place(), what + " must list node names, not " + item.describe(), hint);
                    ok = false;
                } else {
                    ok &= host(what, s.text(), s.text(), s.place(), nodeNames, seen, plugs, problems);
                }
            }
        } else if (node.get() instanceof YamlNode.Mapping map) {
            for (YamlNode.Entry e : map.entries()) {
                if (!(e.value() instanceof YamlNode.Scalar s) || s.isNull() || s.text().isBlank()) {
                    problems.add(e.value().place(), what + "." + e.key() + " must be the plug that feeds node "
                            + e.key() + ", not " + e.value().describe(), hint);
                    ok = false;
                } else {
                    ok &= host(what, e.key(), s.text(), e.keyPlace(), nodeNames, seen, plugs, problems);
                }
            }
        } else {
            problems.add(node.get().place(), what + " must be a list of nodes or a mapping of node to plug, not "
                    + node.get().describe(), hint);
            return Optional.empty();
        }
        if (ok && plugs.isEmpty()) {
            problems.add(d.valuePlace("hosts"), what + " is empty: the device fences no node", hint);
            return Optional.empty();
        }
        return ok ? Optional.of(plugs) : Optional.empty();
    }

    private static boolean host(String what, String name, String plug, Place at, Map<String, Place> nodeNames,
                                Map<String, Place> seen, Map<String, String> plugs, Problems problems) {
        if (!nodeNames.containsKey(name)) {
            problems.add(at, what + " names '" + name + "', which is not a node",
                    Suggestions.hint(name, List.copyOf(nodeNames.keySet())).replace("known:", "nodes:"));
            return false;
        }
        if (!NodesSection.firstUse(seen, name, at, what + " node '" + name + "'", "list each node once", problems)) {
            return false;
        }
        plugs.put(name, plug);
        return true;
    }
}
