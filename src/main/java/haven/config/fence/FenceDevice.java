package haven.config.fence;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One fence device: an agent, its parameters, and the cluster nodes it can power off with the plug that
 * feeds each.
 *
 * @param agent   an agent name looked up by the fence agent locator ("fence_ipmilan") or a path
 * @param params  the agent's parameters (address, login, password ...); never action or plug, which haven
 *                sets per run
 * @param plugs   node name → the plug the agent must be given for that node
 * @param timeout how long one agent run may take before its process group is killed
 * @param delay   a fixed wait before this device cuts power (for the actions that cut power). In a fence race
 *                between two nodes, the node whose device has the delay is shot later, so it wins.
 */
public record FenceDevice(String name, String agent, Map<String, String> params, Map<String, String> plugs,
        Duration timeout, Duration delay) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    public FenceDevice {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("fence device name '" + name + "' is not valid: use letters, digits,"
                    + " '_', '.' or '-' (up to 63), starting with a letter or digit");
        }
        String where = "fence device '" + name + "'";
        if (agent == null || agent.isBlank()) {
            throw new IllegalArgumentException(where + " has no agent: name one, e.g. agent: fence_ipmilan");
        }
        params = Map.copyOf(params);
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (FenceAgents.SET_BY_HAVEN.contains(e.getKey())) {
                throw new IllegalArgumentException(where + " sets parameter '" + e.getKey() + "', which haven sets"
                        + " itself on each run; remove it (give per-node plugs in the device's node list instead)");
            }
            FenceAgents.checkArgument(e.getKey(), e.getValue());
        }
        if (plugs == null || plugs.isEmpty()) {
            throw new IllegalArgumentException(where + " fences no node: list the nodes it can power off");
        }
        for (Map.Entry<String, String> e : plugs.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null || e.getValue().isBlank()) {
                throw new IllegalArgumentException(where + " has an empty node or plug name in " + plugs);
            }
            FenceAgents.checkArgument("plug", e.getValue());
        }
        plugs = Map.copyOf(plugs);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(where + " needs a positive timeout, got " + timeout);
        }
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException(where + " has a negative delay " + delay + "; use 0 for none");
        }
    }

    /** A device whose plug for each node is the node's name (VM names, lab node names). */
    public static FenceDevice namedPlugs(String name, String agent, Map<String, String> params,
            Collection<String> nodes, Duration timeout, Duration delay) {
        Map<String, String> plugs = new LinkedHashMap<>();
        nodes.forEach(n -> plugs.put(n, n));
        return new FenceDevice(name, agent, params, plugs, timeout, delay);
    }

    public boolean canFence(String node) {
        return plugs.containsKey(node);
    }

    public Optional<String> plugFor(String node) {
        return Optional.ofNullable(plugs.get(node));
    }

    /** The parameters, secrets masked, for messages. */
    public String describeParams() {
        return String.join(" ", params.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> Secrets.show(e.getKey(), e.getValue())).toList());
    }

    @Override
    public String toString() {
        return "FenceDevice[" + name + ", " + agent + ", " + describeParams() + ", plugs=" + plugs + ", timeout="
                + timeout + ", delay=" + delay + "]";
    }
}
