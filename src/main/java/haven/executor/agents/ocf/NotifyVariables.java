package haven.executor.agents.ocf;

import haven.core.NodeId;
import haven.core.Notice;
import haven.core.Operation;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code OCF_RESKEY_CRM_meta_notify_*} variables of a notify call, as Pacemaker sets them and agents (mysql,
 * redis, pgsql, linbit's drbd) read them: which action ({@code notify_type} pre or post, {@code notify_operation}),
 * who does it ({@code notify_start_uname} and the like; haven announces one node's action per round, so one of the
 * four lists names the subject and the others are empty), and the instances around it before the action: active
 * and inactive, primary ({@code master}/{@code promoted}) and replicas ({@code slave}/{@code unpromoted}), all and
 * available. Lists are space-separated node names, or instance names {@code resource:N} with N the node's place in
 * the config, the same number on every list and every call. Pure.
 */
public final class NotifyVariables {
    private static final String META = "OCF_RESKEY_CRM_meta_notify_";
    private static final List<Operation> ACTIONS = List.of(Operation.START, Operation.STOP, Operation.PROMOTE, Operation.DEMOTE);

    private NotifyVariables() {}

    public static Map<String, String> of(String resource, Notice n) {
        Map<String, String> env = new TreeMap<>();
        env.put(META + "type", n.pre() ? "pre" : "post");
        env.put(META + "operation", name(n.operation()));
        for (Operation action : ACTIONS) {
            list(env, resource, n, name(action), action == n.operation() ? List.of(n.subject()) : List.of());
        }
        List<NodeId> active = n.nodes().stream().filter(n.active()::contains).toList();
        List<NodeId> primary = n.primary().map(List::of).orElse(List.of());
        List<NodeId> replicas = active.stream().filter(x -> !primary.contains(x)).toList();
        list(env, resource, n, "active", active);
        list(env, resource, n, "inactive", n.nodes().stream().filter(x -> !n.active().contains(x)).toList());
        for (String word : new String[] {"master", "promoted"}) list(env, resource, n, word, primary);
        for (String word : new String[] {"slave", "unpromoted"}) list(env, resource, n, word, replicas);
        list(env, resource, n, "all", n.nodes());
        list(env, resource, n, "available", n.nodes());
        env.put(META + "all_hosts", names(n.nodes()));
        return env;
    }

    private static void list(Map<String, String> env, String resource, Notice n, String word, List<NodeId> nodes) {
        env.put(META + word + "_uname", names(nodes));
        env.put(META + word + "_resource", nodes.stream().map(x -> resource + ":" + n.nodes().indexOf(x)).collect(Collectors.joining(" ")));
    }

    private static String names(List<NodeId> nodes) {
        return nodes.stream().map(NodeId::name).collect(Collectors.joining(" "));
    }

    private static String name(Operation op) {
        return op.name().toLowerCase(Locale.ROOT);
    }
}
