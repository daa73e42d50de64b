package haven.config;

import haven.core.Suggestions;
import haven.core.ResourceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code resources:} list: what to run, with which agent type, parameters and operation timeouts. */
final class ResourcesSection {
    static final List<String> KEYS = List.of("name", "type", "params", "start_timeout", "stop_timeout",
            "monitor_interval", "monitor_timeout");
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(20);
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(20);
    static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(5);
    static final Duration DEFAULT_MONITOR_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The valid resources in file order, and where every resource name was written, including resources
     * with other problems, so that a group naming one of them is not reported a second time.
     */
    record Result(List<ResourceConfig> resources, Map<String, Place> names) {}

    private ResourcesSection() {}

    static Result read(Fields root, List<NodeConfig> nodes, Problems problems) {
        List<ResourceConfig> resources = new ArrayList<>();
        Map<String, Place> names = new LinkedHashMap<>();
        List<YamlNode> items = root.list("resources").orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            Fields.item("resources", i, items.get(i), KEYS, problems)
                    .flatMap(f -> resource(f, names, nodes, problems))
                    .ifPresent(resources::add);
        }
        return new Result(resources, names);
    }

    private static Optional<ResourceConfig> resource(Fields f, Map<String, Place> names, List<NodeConfig> nodes,
                                                     Problems problems) {
        Optional<String> name = f.requiredName("name", "resource");
        boolean unique = name.isPresent() && NodesSection.firstUse(names, name.get(), f.valuePlace("name"),
                f.key("name") + " '" + name.get() + "'", "give each resource its own name", problems);
        Optional<String> typeWord = typeWord(f, problems);
        Optional<Map<String, String>> params = typeWord.flatMap(w -> ResourceType.of(w)
                .map(t -> params(f, Optional.of(t), w, nodes, problems))
                .orElseGet(() -> params(f, Optional.empty(), w, nodes, problems)));
        Optional<Duration> start = f.positiveDuration("start_timeout", DEFAULT_START_TIMEOUT);
        Optional<Duration> stop = f.positiveDuration("stop_timeout", DEFAULT_STOP_TIMEOUT);
        Optional<Duration> interval = f.positiveDuration("monitor_interval", DEFAULT_MONITOR_INTERVAL);
        Optional<Duration> monitor = f.positiveDuration("monitor_timeout", DEFAULT_MONITOR_TIMEOUT);
        if (!unique || params.isEmpty() || start.isEmpty() || stop.isEmpty() || interval.isEmpty()
                || monitor.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ResourceConfig(ResourceId.of(name.get()), typeWord.get(), params.get(), start.get(),
                stop.get(), interval.get(), monitor.get()));
    }

    /** A built-in type's word, or a well-formed ocf:/lsb:/systemd: name; empty (reported) otherwise. */
    private static Optional<String> typeWord(Fields f, Problems problems) {
        String known = "known types: " + String.join(", ", ResourceType.words()) + ", or " + AgentTypeName.FORMS;
        Optional<String> word = f.requiredText("type", known);
        if (word.isEmpty()) {
            return Optional.empty();
        }
        if (AgentTypeName.claims(word.get())) {
            Optional<String> error = AgentTypeName.error(word.get());
            error.ifPresent(e -> problems.add(f.valuePlace("type"), f.key("type") + " '" + word.get() + "' " + e,
                    "write " + AgentTypeName.FORMS + "; `haven agent list` shows the agents installed on a node"));
            return error.isEmpty() ? word : Optional.empty();
        }
        if (ResourceType.of(word.get()).isEmpty()) {
            String hint = Suggestions.nearest(word.get(), ResourceType.words())
                    .map(n -> "did you mean '" + n + "'? " + known).orElse(known);
            problems.add(f.valuePlace("type"), f.key("type") + " '" + word.get() + "' is not a known resource type", hint);
            return Optional.empty();
        }
        return word;
    }

    /**
     * The parameters as strings, or empty when any is malformed, unknown or missing (all reported). For an
     * installed agent ({@code type} empty) only the form is checked here; its names are checked against
     * the agent itself by `haven config check`.
     */
    private static Optional<Map<String, String>> params(Fields f, Optional<ResourceType> builtin, String word,
                                                        List<NodeConfig> nodes, Problems problems) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Place> places = new HashMap<>();
        int before = problems.count();
        Optional<YamlNode.Mapping> raw = f.rawMapping("params");
        for (YamlNode.Entry e : raw.map(YamlNode.Mapping::entries).orElse(List.of())) {
            String key = f.key("params." + e.key());
            if (builtin.isPresent() && !builtin.get().parameterNames().contains(e.key())) {
                problems.add(e.keyPlace(), "unknown parameter " + key + " for type " + word,
                        Suggestions.hint(e.key(), builtin.get().parameterNames()));
            } else if (builtin.isEmpty() && !AgentTypeName.takesParameters(word)) {
                problems.add(e.keyPlace(), key + ": type " + word + " takes no parameters",
                        "remove params:; an init script or unit reads its settings from its own files");
            } else if (builtin.isEmpty() && !OcfParameterName.valid(e.key())) {
                problems.add(e.keyPlace(), key + " " + OcfParameterName.problem(e.key()).orElseThrow(),
                        OcfParameterName.hint(e.key(), word));
            } else if (places.containsKey(e.key())) {
                problems.add(e.keyPlace(), key + " is written twice (first at " + places.get(e.key()).describe() + ")",
                        "keep one of them");
            } else if (!(e.value() instanceof YamlNode.Scalar s) || s.isNull()) {
                problems.add(e.value().place(), key + " must be a single value, not " + e.value().describe(),
                        "write the value on the same line, quoted if it contains ': ' or '#'");
                places.put(e.key(), e.value().place());
            } else {
                values.put(e.key(), s.text());
                places.put(e.key(), s.place());
            }
        }
        builtin.ifPresent(t -> t.check(new ResourceParams(f.path() + ".params.", values, places, f.keyPlace("params"), problems)));
        ResourceType type = builtin.orElse(null);
        if (type == ResourceType.IPADDR && values.containsKey("address") && problems.count() == before) {
            checkNotANodeAddress(Ipv4.addressOf(values.get("address")), places.get("address"), f, nodes, problems);
        }
        return problems.count() == before ? Optional.of(values) : Optional.empty();
    }

    /** Removing a virtual address on stop would cut a node off the cluster if it were that node's own. */
    private static void checkNotANodeAddress(String address, Place at, Fields f, List<NodeConfig> nodes,
                                             Problems problems) {
        nodes.stream().filter(n -> n.address().equals(address)).findFirst().ifPresent(n -> problems.add(at, f.key("params.address") + " " + address + " is the address of node " + n.id(),
                "a virtual address must be one no node owns: stopping the resource removes the address, which "
                        + "would cut that node off the cluster"));
    }
}
