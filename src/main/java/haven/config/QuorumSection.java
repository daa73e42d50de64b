package haven.config;

import haven.core.Suggestions;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The optional {@code quorum:} section. Its own values are read before the nodes, because the mode decides
 * whether two nodes are allowed; the rules that need the nodes and the fencing come after them, in
 * {@link #checkPingNodes} and {@link FencingRules}.
 */
final class QuorumSection {
    static final List<String> KEYS = List.of("mode", "wait_for_all", "no_quorum_policy", "ping_nodes",
            "priority_fence_delay");

    /**
     * What the section says. {@code mode} is kept apart from {@code quorum} so that a bad value elsewhere in
     * the section does not hide the mode from the checks of the other sections.
     *
     * @param pingNodes each valid ping address and where it was written
     */
    record Result(Optional<Fields> fields, Optional<Quorum.Mode> mode, Optional<Quorum> quorum,
                  Map<String, Place> pingNodes) {

        boolean twoNode() {
            return mode.filter(m -> m == Quorum.Mode.TWO_NODE).isPresent();
        }

        /**
         * Whether the nodes section should keep quiet about a two-node list: it is allowed in two_node
         * mode, and when the mode is misspelt the user most likely meant two_node (reported already).
         */
        boolean excusesTwoNodes() {
            return twoNode() || mode.isEmpty() && fields.filter(f -> f.has("mode")).isPresent();
        }
    }

    private QuorumSection() {}

    static Result read(Fields top, Problems problems) {
        Optional<Fields> section = top.mapping("quorum", KEYS);
        if (section.isEmpty()) {
            return new Result(section, Optional.of(Quorum.DEFAULT.mode()), Optional.of(Quorum.DEFAULT), Map.of());
        }
        Fields f = section.get();
        Optional<Quorum.Mode> mode = choice(f, "mode", Quorum.Mode.values(), Quorum.Mode.MAJORITY, problems);
        // Two nodes that start apart must not each decide alone that the other is dead, so two_node waits
        // for both by default, as corosync's votequorum does.
        boolean waitDefault = mode.filter(m -> m == Quorum.Mode.TWO_NODE).isPresent();
        Optional<Boolean> waitForAll = f.bool("wait_for_all", waitDefault);
        Optional<Quorum.NoQuorumPolicy> policy = choice(f, "no_quorum_policy", Quorum.NoQuorumPolicy.values(),
                Quorum.NoQuorumPolicy.STOP, problems);
        Map<String, Place> pingNodes = new LinkedHashMap<>();
        boolean pingOk = pingNodes(f, pingNodes, problems);
        Optional<Duration> priorityDelay = f.has("priority_fence_delay") ? f.duration("priority_fence_delay")
                : Optional.of(Quorum.DEFAULT_PRIORITY_FENCE_DELAY);
        Optional<Quorum> quorum = mode.isEmpty() || waitForAll.isEmpty() || policy.isEmpty() || !pingOk
                || priorityDelay.isEmpty()
                ? Optional.empty()
                : Optional.of(new Quorum(mode.get(), waitForAll.get(), policy.get(), List.copyOf(pingNodes.keySet()),
                        priorityDelay.get()));
        return new Result(section, mode, quorum, pingNodes);
    }

    /** One of an enum's words, in lower case as the file writes them; {@code fallback} when absent. */
    /** One of an enum's words (lower case), or the fallback when absent; a wrong word is a problem with a suggestion. */
    static <E extends Enum<E>> Optional<E> choice(Fields f, String key, E[] values, E fallback,
                                                          Problems problems) {
        if (!f.has(key)) {
            return Optional.of(fallback);
        }
        Optional<String> text = f.text(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        List<String> words = Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
        int i = words.indexOf(text.get().strip());
        if (i >= 0) {
            return Optional.of(values[i]);
        }
        String allowed = "write one of: " + String.join(", ", words) + " (" + words.get(fallback.ordinal())
                + " is the default)";
        problems.add(f.valuePlace(key), f.key(key) + " '" + text.get() + "' is not one of " + String.join(", ", words),
                Suggestions.nearest(text.get(), words).map(n -> "did you mean '" + n + "'? " + allowed).orElse(allowed));
        return Optional.empty();
    }

    /** Fills {@code found} with the valid, distinct addresses; false when any entry was bad (reported). */
    private static boolean pingNodes(Fields f, Map<String, Place> found, Problems problems) {
        Optional<List<YamlNode>> items = f.list("ping_nodes");
        if (items.isEmpty()) {
            return !f.has("ping_nodes");
        }
        String what = f.key("ping_nodes");
        boolean ok = true;
        for (YamlNode item : items.get()) {
            if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
                problems.add(item.place(), what + " must list IPv4 addresses, not " + item.describe(),
                        "write ping_nodes: [10.0.0.254]");
                ok = false;
                continue;
            }
            Optional<String> error = Ipv4.hostAddressError(s.text());
            if (error.isPresent()) {
                problems.add(s.place(), what + " entry '" + s.text() + "' " + error.get(), Ipv4.ADDRESS_SYNTAX
                        + "; ping nodes are hosts outside the cluster that every node should reach, e.g. the router");
                ok = false;
                continue;
            }
            ok &= NodesSection.firstUse(found, s.text(), s.place(), what + " entry " + s.text(),
                    "list each address once", problems);
        }
        return ok;
    }

    /**
     * A node's own address always answers its pings, even when its link is down, so as a ping node it would
     * prove nothing.
     */
    static void checkPingNodes(Result quorum, List<NodeConfig> nodes, Problems problems) {
        String what = quorum.fields().map(f -> f.key("ping_nodes")).orElse("quorum.ping_nodes");
        quorum.pingNodes().forEach((address, at) -> nodes.stream().filter(n -> n.address().equals(address))
                .findFirst().ifPresent(n -> problems.add(at, what + " entry " + address + " is the address of node "
                        + n.id(), "list hosts outside the cluster (a router, a switch) that every node should reach; "
                        + "a node's own address always answers, even when its link is down")));
    }
}
