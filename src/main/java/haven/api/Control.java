package haven.api;

import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.Names;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.node.NodeStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a write to the /ha tree into the commands that carry it out, or refuses it with the reason and the
 * fix. Pure: it reads one status snapshot and returns commands; the caller proposes them to the cluster log.
 *
 * <pre>
 * POST /ha/resources/R/move?node=N[&for=30m]   (or body N)   PUT /ha/resources/R/moved_to  body N
 * POST /ha/resources/R/clear                       DELETE /ha/resources/R/moved_to
 * POST /ha/resources/R/cleanup[?node=N]
 * POST /ha/resources/R/disable | enable | restart | unmanage | manage   ({@link DayTwoControl})
 * POST /ha/nodes/N/standby | online                PUT /ha/nodes/N/standby  body true|false
 * PUT /ha/nodes/N/maintenance  body on|off
 * PUT /ha/cluster/maintenance  body "on REASON" | off  (or ?reason=)
 * </pre>
 * R may name a resource or a group (a move always moves the whole group).
 */
public final class Control {
    /** What to commit, and what to tell the client once it is committed. */
    public record Action(List<Command> commands, String done) {}

    static final String USAGE = "writable: POST /ha/resources/R/move?node=N[&for=30m] | clear | cleanup[?node=N] | disable | enable"
            + " | restart | unmanage | manage, PUT|DELETE /ha/resources/R/moved_to, POST /ha/nodes/N/standby | online,"
            + " PUT /ha/nodes/N/standby (true|false), PUT /ha/nodes/N/maintenance (on|off),"
            + " PUT /ha/cluster/maintenance (on REASON | off)";

    private Control() {}

    public static Action of(NodeStatus s, String method, List<String> path, Map<String, String> query, String body) {
        String what = path.isEmpty() ? "" : path.get(0);
        if (path.size() == 3 && (what.equals("resources") || what.equals("groups"))) {
            return resource(s, method, path.get(1), path.get(2), query, body.strip());
        }
        if (path.size() == 3 && what.equals("nodes")) {
            return node(s, method, path.get(1), path.get(2), body.strip());
        }
        if (path.equals(List.of("cluster", "maintenance"))) {
            return MaintenanceControl.of(method, query, body.strip(), System.currentTimeMillis());
        }
        throw new ApiError(405, method + " /ha/" + String.join("/", path) + " cannot be written; " + USAGE);
    }

    private static Action resource(NodeStatus s, String method, String name, String leaf, Map<String, String> query, String body) {
        ClusterConfig config = s.config();
        GroupConfig g = groupOf(config, name);
        String verb = method + " " + leaf;
        Optional<Action> dayTwo = DayTwoControl.group(s, verb, g);
        if (dayTwo.isPresent()) return dayTwo.get();
        return switch (verb) {
            case "POST move", "PUT moved_to" -> {
                String target = Optional.ofNullable(query.get("node")).orElse(body);
                if (target.isEmpty()) {
                    throw ApiError.badRequest("a move needs the target node: POST /ha/resources/" + name + "/move?node=N"
                            + " (or the node's name as the body); nodes: " + config.serviceNodeIds());
                }
                NodeId n = moveTarget(s, target);
                DayTwoControl.checkFits(s, g, n);
                Optional<Long> until = Optional.ofNullable(query.get("for"))
                        .map(f -> DayTwoControl.moveUntil(f, name, System.currentTimeMillis()));
                yield new Action(List.of(new Command.Move(g.id(), Optional.of(n), until)),
                        "ok: group " + g.id() + " is to run on " + n + until.map(t -> " until " + DayTwoControl.until(t)
                                + "; then the move ends by itself (it stays where it runs)").orElse(" until the move is cleared"));
            }
            case "POST clear", "DELETE moved_to" -> new Action(List.of(new Command.Move(g.id(), Optional.empty())),
                    "ok: the move of group " + g.id() + " is cleared; it stays where it runs now");
            case "POST cleanup" -> {
                Optional<NodeId> n = Optional.ofNullable(query.get("node")).map(x -> node(config, x));
                List<ResourceId> targets = config.resource(ResourceId.of(name)).isPresent() ? List.of(ResourceId.of(name)) : g.members();
                yield new Action(targets.stream().map(r -> (Command) new Command.Cleanup(r, n)).toList(),
                        "ok: failures of " + targets.stream().map(ResourceId::name).toList() + " forgotten"
                                + n.map(x -> " on " + x).orElse(" on every node"));
            }
            default -> throw new ApiError(405, verb.startsWith("POST ") || verb.startsWith("PUT ") || verb.startsWith("DELETE ")
                    ? method + " /ha/resources/" + name + "/" + leaf + " is not an action; " + USAGE
                    : "method " + method + " not allowed here; " + USAGE);
        };
    }

    private static Action node(NodeStatus s, String method, String name, String leaf, String body) {
        NodeId n = node(s.config(), name);
        if (leaf.equals("maintenance")) return DayTwoControl.nodeMaintenance(s, n, method, body);
        Boolean standby = switch (method + " " + leaf) {
            case "POST standby" -> true;
            case "POST online" -> false;
            case "PUT standby" -> switch (body.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw ApiError.badRequest("PUT /ha/nodes/" + name + "/standby takes true or false as the body, not '"
                        + body + "'");
            };
            default -> throw new ApiError(405, method + " /ha/nodes/" + name + "/" + leaf + " is not an action; " + USAGE);
        };
        if (s.config().node(n).orElseThrow().isWitness()) {
            throw ApiError.conflict(n + " is a witness: it runs no resources, so standby means nothing for it");
        }
        return new Action(List.of(new Command.SetStandby(n, standby)),
                standby ? "ok: " + n + " is in standby; its groups move off it" : "ok: " + n + " may run groups again");
    }

    /** A node a group can be moved to now, or the reason it cannot. */
    private static NodeId moveTarget(NodeStatus s, String name) {
        NodeId n = node(s.config(), name);
        List<NodeId> candidates = s.config().serviceNodeIds().stream()
                .filter(x -> s.members().contains(x) && !s.state().standby().contains(x)).toList();
        if (s.config().node(n).orElseThrow().isWitness()) {
            throw ApiError.conflict(n + " is a witness and runs no resources; move to one of " + candidates);
        }
        if (s.state().standby().contains(n)) {
            throw ApiError.conflict(n + " is in standby; bring it online first (POST /ha/nodes/" + n + "/online),"
                    + " or move to one of " + candidates);
        }
        if (!s.members().contains(n)) {
            throw ApiError.conflict(n + " is not a cluster member now (members " + s.members()
                    + "), so nothing could start there; start its daemon first, or move to one of " + candidates);
        }
        return n;
    }

    static GroupConfig groupOf(ClusterConfig config, String name) {
        if (!Names.isValid(name)) throw ApiError.badRequest("'" + name + "' is not a valid resource or group name");
        Optional<GroupConfig> g = config.group(GroupId.of(name));
        if (g.isPresent()) return g.get();
        return config.resource(ResourceId.of(name)).map(r -> config.groupOf(r.id()))
                .orElseThrow(() -> ApiError.notFound("no resource or group named '" + name + "'; resources: "
                        + config.resources().stream().map(r -> r.id().name()).toList() + ", groups: "
                        + config.groups().stream().map(x -> x.id().name()).toList()));
    }

    static NodeId node(ClusterConfig config, String name) {
        if (!Names.isValid(name) || config.node(NodeId.of(name)).isEmpty()) {
            throw ApiError.notFound("no node named '" + name + "'; nodes: " + config.nodeIds());
        }
        return NodeId.of(name);
    }
}
