package haven.config;

import haven.core.GroupId;
import haven.core.Names;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Heartbeat-style short form, an alternative to {@code resources:} and {@code groups:} for simple
 * clusters. Each string of the {@code haresources:} list is one group:
 * <pre>
 * haresources:
 *   - "n1 ipaddr:10.99.0.100/24 process:web=/usr/sbin/nginx -g 'daemon off;'"
 * </pre>
 * <ul>
 * <li>The first word is the group's preferred node.
 * <li>Then resources in start order, separated by spaces: {@code ipaddr:[NAME=]CIDR} (NAME defaults to
 *     "ip-" and the address, e.g. ip-10.99.0.100) and {@code process:NAME=COMMAND}. A command contains
 *     spaces, so it runs to the end of the string: a process must be the last resource of its line.
 * <li>The group is named after its last resource.
 * <li>Timeouts take their defaults, and there are no health checks or interfaces: use the long form for those.
 * </ul>
 * Problems are reported at the string's place: inside a YAML string, columns are not reliable.
 */
final class HaresourcesSection {
    private HaresourcesSection() {}

    record Result(List<ResourceConfig> resources, List<GroupConfig> groups) {}

    static Result read(Fields root, Map<String, Place> nodeNames, List<NodeConfig> nodes, Problems problems) {
        List<ResourceConfig> resources = new ArrayList<>();
        List<GroupConfig> groups = new ArrayList<>();
        if (!root.has("haresources")) {
            return new Result(resources, groups);
        }
        if (root.has("resources") || root.has("groups")) {
            problems.add(root.keyPlace("haresources"), "haresources is written together with resources or groups",
                    "use either the short form (haresources) or the long form (resources and groups), not both");
            return new Result(resources, groups);
        }
        Map<String, Place> names = new LinkedHashMap<>();
        List<YamlNode> items = root.list("haresources").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            String path = "haresources[#" + (i + 1) + "]";
            if (!(items.get(i) instanceof YamlNode.Scalar s) || s.isNull()) {
                problems.add(items.get(i).place(), path + " must be one line of text, not " + items.get(i).describe(),
                        "e.g. - \"n1 ipaddr:10.0.0.100/24 process:web=/usr/sbin/nginx\"");
                continue;
            }
            line(s.text().strip(), path, s.place(), nodeNames, nodes, names, problems).ifPresent(g -> {
                resources.addAll(g.resources());
                groups.addAll(g.groups());
            });
        }
        return new Result(resources, groups);
    }

    private static Optional<Result> line(String text, String path, Place at, Map<String, Place> nodeNames,
                                         List<NodeConfig> nodes, Map<String, Place> names, Problems problems) {
        int before = problems.count();
        String[] head = text.split("\\s+", 2);
        String node = head[0];
        if (!nodeNames.containsKey(node)) {
            problems.add(at, path + " starts with '" + node + "', which is not a node",
                    "start each line with the group's preferred node, e.g. \"n1 ipaddr:10.0.0.100/24\"");
        } else if (nodes.stream().anyMatch(n -> n.isWitness() && n.id().name().equals(node))) {
            problems.add(at, path + " starts with '" + node + "', a witness, which runs no resources",
                    "start the line with one of the nodes with role node");
        }
        List<ResourceConfig> members = new ArrayList<>();
        String rest = head.length > 1 ? head[1].strip() : "";
        if (rest.isEmpty()) {
            problems.add(at, path + " lists no resources", "add resources after the node, e.g. ipaddr:10.0.0.100/24");
        }
        while (!rest.isEmpty()) {
            boolean process = rest.startsWith("process:");
            String[] split = process ? new String[] {rest} : rest.split("\\s+", 2);
            resource(split[0], path, at, nodes, names, problems).ifPresent(members::add);
            rest = split.length > 1 ? split[1].strip() : "";
        }
        if (problems.count() != before) {
            return Optional.empty();
        }
        ResourceId last = members.get(members.size() - 1).id();
        List<ResourceId> ids = members.stream().map(ResourceConfig::id).toList();
        GroupConfig group = new GroupConfig(GroupId.of(last.name()), ids, Optional.of(NodeId.of(node)), StartOrder.Mode.AUTO, ids);
        return Optional.of(new Result(members, List.of(group)));
    }

    private static Optional<ResourceConfig> resource(String item, String path, Place at, List<NodeConfig> nodes,
                                                     Map<String, Place> names, Problems problems) {
        int colon = item.indexOf(':');
        Optional<ResourceType> type = colon < 0 ? Optional.empty() : ResourceType.of(item.substring(0, colon));
        if (type.isEmpty()) {
            problems.add(at, path + ": '" + item + "' is not a resource",
                    "write ipaddr:[NAME=]ADDRESS/LEN or process:NAME=COMMAND (a process goes last on its line)");
            return Optional.empty();
        }
        String spec = item.substring(colon + 1);
        int eq = spec.indexOf('=');
        boolean ip = type.get() == ResourceType.IPADDR;
        if (!ip && eq < 0) {
            problems.add(at, path + ": '" + item + "' has no name", "write process:NAME=COMMAND, e.g. process:web=/usr/sbin/nginx");
            return Optional.empty();
        }
        String value = eq < 0 ? spec : spec.substring(eq + 1);
        String name = eq >= 0 ? spec.substring(0, eq) : "ip-" + Ipv4.addressOf(spec);
        String what = path + " resource '" + name + "'";
        if (!Names.isValid(name)) {
            problems.add(at, what + ": the name is not valid", Fields.NAME_RULE);
            return Optional.empty();
        }
        if (!NodesSection.firstUse(names, name, at, what, "give each resource its own name", problems)) {
            return Optional.empty();
        }
        Map<String, String> params = Map.of(ip ? "address" : "command", value);
        Map<String, Place> places = Map.of(ip ? "address" : "command", at);
        int before = problems.count();
        type.get().check(new ResourceParams(what + ": ", params, places, at, problems));
        if (ip && problems.count() == before) {
            String address = Ipv4.addressOf(value);
            nodes.stream().filter(n -> n.address().equals(address)).findFirst().ifPresent(n -> problems.add(at,
                    what + ": " + address + " is the address of node " + n.id(),
                    "a virtual address must be one no node owns"));
        }
        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new ResourceConfig(ResourceId.of(name), type.get().word, params,
                ResourcesSection.DEFAULT_START_TIMEOUT, ResourcesSection.DEFAULT_STOP_TIMEOUT,
                ResourcesSection.DEFAULT_MONITOR_INTERVAL, ResourcesSection.DEFAULT_MONITOR_TIMEOUT));
    }
}
