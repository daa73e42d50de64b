package haven.config;

import haven.core.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code nodes:} list: each node's name, the IPv4 address its daemon binds to, and its role. */
final class NodesSection {
    static final List<String> KEYS = List.of("name", "address", "role", "replication_address", "attributes", "capacity");
    private static final String LIST_HINT = "list every node of the cluster (three or more), e.g.\n"
            + "  nodes:\n    - name: n1\n      address: 10.0.0.1";

    /** The valid nodes, and where each node name was written (used to check references to them). */
    record Result(List<NodeConfig> nodes, Map<String, Place> names) {
        /** Names of the witnesses, which a group may not name as its place to run. */
        java.util.Set<String> witnesses() {
            return nodes.stream().filter(NodeConfig::isWitness).map(n -> n.id().name()).collect(java.util.stream.Collectors.toSet());
        }
    }

    private NodesSection() {}

    /** @param twoNodeMode whether the quorum section allows exactly two nodes (it checks them itself then) */
    static Result read(Fields root, boolean twoNodeMode, Problems problems) {
        List<NodeConfig> nodes = new ArrayList<>();
        Map<String, Place> names = new HashMap<>();
        if (!root.has("nodes")) {
            problems.add(root.keyPlace("nodes"), "nodes is missing", LIST_HINT);
            return new Result(nodes, names);
        }
        Optional<List<YamlNode>> items = root.list("nodes");
        if (items.isEmpty()) {
            return new Result(nodes, names);
        }
        if (items.get().isEmpty()) {
            problems.add(root.valuePlace("nodes"), "nodes is empty", LIST_HINT);
            return new Result(nodes, names);
        }
        if (items.get().size() == 2 && !twoNodeMode) {
            problems.add(root.keyPlace("nodes"), "nodes lists exactly 2 nodes: a two-node cluster cannot keep a "
                    + "majority when one of them fails, so the survivor would stop everything",
                    "add a witness as a third member, on any other machine: - { name: w, address: 10.0.0.9, role: witness }"
                    + " (it votes and runs nothing), or a third node; or, with a fence device for each node,"
                    + " quorum: { mode: two_node }");
        }
        Map<String, Place> addresses = new HashMap<>();
        for (int i = 0; i < items.get().size(); i++) {
            Fields.item("nodes", i, items.get().get(i), KEYS, problems)
                    .flatMap(f -> node(f, names, addresses, problems))
                    .ifPresent(nodes::add);
        }
        if (!nodes.isEmpty() && nodes.stream().allMatch(NodeConfig::isWitness)) {
            problems.add(root.keyPlace("nodes"), "every node is a witness, so nothing can run anywhere",
                    "witnesses only vote; give the nodes that run services role: node (the default)");
        }
        return new Result(nodes, names);
    }

    private static Optional<NodeConfig> node(Fields f, Map<String, Place> names, Map<String, Place> addresses,
                                             Problems problems) {
        Optional<String> name = f.requiredName("name", "node");
        name.ifPresent(n -> firstUse(names, n, f.valuePlace("name"), f.key("name") + " '" + n + "'",
                "each node needs its own name", problems));
        Optional<String> address = f.requiredText("address",
                "the IPv4 address this node's daemon binds to for cluster traffic, e.g. address: 10.0.0.1");
        if (address.isPresent()) {
            Optional<String> error = Ipv4.hostAddressError(address.get());
            if (error.isPresent()) {
                problems.add(f.valuePlace("address"), f.key("address") + " '" + address.get() + "' " + error.get(),
                        Ipv4.ADDRESS_SYNTAX + "; it must be an address of that node");
                address = Optional.empty();
            } else {
                firstUse(addresses, address.get(), f.valuePlace("address"), f.key("address") + " " + address.get(),
                        "each node needs its own address", problems);
            }
        }
        Optional<NodeConfig.Role> role = role(f, problems);
        Optional<Optional<String>> replication = replicationAddress(f, role, addresses, problems);
        Optional<java.util.SortedMap<String, String>> attributes = attributes(f, problems);
        Optional<java.util.SortedMap<String, Long>> capacity = Units.read(f, "capacity", problems);
        if (capacity.isPresent() && !capacity.get().isEmpty() && role.orElse(NodeConfig.Role.NODE) == NodeConfig.Role.WITNESS) {
            problems.add(f.valuePlace("capacity"), f.key("capacity") + ": a witness runs no group", "remove capacity from the witness");
            capacity = Optional.empty();
        }
        if (name.isEmpty() || address.isEmpty() || role.isEmpty() || replication.isEmpty() || attributes.isEmpty() || capacity.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NodeConfig(NodeId.of(name.get()), address.get(), role.get(), replication.get(), attributes.get(),
                capacity.get()));
    }

    /**
     * The node's address on the replication network, if it has one: an IPv4 address of that node, used by no other
     * node and not its cluster address (a second network is the point). Empty after a reported problem.
     */
    private static Optional<Optional<String>> replicationAddress(Fields f, Optional<NodeConfig.Role> role,
            Map<String, Place> addresses, Problems problems) {
        if (!f.has("replication_address")) return Optional.of(Optional.empty());
        Optional<String> text = f.text("replication_address");
        if (text.isEmpty()) return Optional.empty();
        String a = text.get().strip();
        Optional<String> error = Ipv4.hostAddressError(a);
        if (error.isPresent()) {
            problems.add(f.valuePlace("replication_address"), f.key("replication_address") + " '" + a + "' " + error.get(),
                    Ipv4.ADDRESS_SYNTAX + "; it must be this node's address on the replication network");
            return Optional.empty();
        }
        if (role.orElse(NodeConfig.Role.NODE) == NodeConfig.Role.WITNESS) {
            problems.add(f.valuePlace("replication_address"), f.key("replication_address") + ": a witness holds no data to replicate",
                    "remove replication_address from the witness");
            return Optional.empty();
        }
        if (!firstUse(addresses, a, f.valuePlace("replication_address"), f.key("replication_address") + " " + a,
                "each node needs its own replication address, on another network than the cluster addresses", problems)) {
            return Optional.empty();
        }
        return Optional.of(Optional.of(a));
    }

    /** The node's {@code attributes:} (name to value, both as written), empty after a reported problem. */
    private static Optional<java.util.SortedMap<String, String>> attributes(Fields f, Problems problems) {
        java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
        if (!f.has("attributes")) return Optional.of(out);
        Optional<YamlNode.Mapping> m = f.rawMapping("attributes");
        if (m.isEmpty()) return Optional.empty();
        boolean ok = true;
        for (YamlNode.Entry e : m.get().entries()) {
            if (!haven.core.Names.isValid(e.key())) {
                problems.add(e.keyPlace(), f.key("attributes") + ": '" + e.key() + "' is not an attribute name", Fields.NAME_RULE);
                ok = false;
            } else if (!(e.value() instanceof YamlNode.Scalar s) || s.isNull() || s.text().isBlank()) {
                problems.add(e.value().place(), f.key("attributes") + "." + e.key() + " must be a value, not " + e.value().describe(),
                        "e.g. attributes: { rack: a, memory_gb: 64 }");
                ok = false;
            } else if (out.put(e.key(), s.text().strip()) != null) {
                problems.add(e.keyPlace(), f.key("attributes") + "." + e.key() + " is written twice", "keep one of them");
                ok = false;
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    private static Optional<NodeConfig.Role> role(Fields f, Problems problems) {
        if (!f.has("role")) return Optional.of(NodeConfig.Role.NODE);
        Optional<String> text = f.text("role");
        if (text.isEmpty()) return Optional.empty();
        for (NodeConfig.Role r : NodeConfig.Role.values()) {
            if (r.label().equals(text.get().strip())) return Optional.of(r);
        }
        problems.add(f.valuePlace("role"), f.key("role") + " '" + text.get() + "' is not a role",
                "use role: node (runs resources; the default) or role: witness (votes only)");
        return Optional.empty();
    }

    /** Records the first place of a value that must be unique, and reports any later use of it. */
    static boolean firstUse(Map<String, Place> seen, String value, Place at, String what, String hint,
                            Problems problems) {
        Place first = seen.putIfAbsent(value, at);
        if (first != null) {
            problems.add(at, what + " is used twice (first at " + first.describe() + ")", hint);
            return false;
        }
        return true;
    }
}
