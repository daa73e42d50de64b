package haven.config;

import haven.config.fence.FenceAgents;
import haven.config.fence.FenceDevice;
import haven.config.fence.FenceLevel;
import haven.config.fence.FencingTopology;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The optional {@code fencing:} section: the fence devices, and per node the levels to try in order
 * ({@link FenceLevelsSection}). Only the file is read: whether each agent is installed and accepts its
 * parameters is a question for the machine that will run it, asked by {@code haven config check}, so that
 * loading stays fast and works where no agent is installed.
 */
final class FencingSection {
    static final List<String> KEYS = List.of("devices", "levels");
    static final List<String> DEVICE_KEYS = List.of("name", "agent", "params", "hosts", "timeout", "delay");
    private static final String HOSTS_HINT = "list the nodes this device can power off: hosts: [n1, n2] (each "
            + "node's plug is its name) or hosts: { n1: \"7\", n2: \"8\" } (node: plug)";

    /**
     * @param written  whether the file has a fencing section at all, so that a broken one is not taken for
     *                 "no fencing" by the rules that need it
     * @param topology the devices and levels, when the section is written and valid
     */
    record Result(boolean written, Optional<FencingTopology> topology) {}

    private FencingSection() {}

    static Result read(Fields top, Map<String, Place> nodeNames, Problems problems) {
        Optional<Fields> section = top.mapping("fencing", KEYS);
        if (section.isEmpty()) {
            return new Result(top.has("fencing"), Optional.empty());
        }
        Fields f = section.get();
        int before = problems.count();
        Map<String, Place> deviceNames = new LinkedHashMap<>();
        Map<String, FenceDevice> devices = devices(f, nodeNames, deviceNames, problems);
        Map<String, List<FenceLevel>> levels = FenceLevelsSection.read(f, nodeNames, devices, deviceNames, problems);
        if (problems.count() != before) {
            return new Result(true, Optional.empty());
        }
        List<FenceDevice> list = List.copyOf(devices.values());
        // A node the file gives no levels to is fenced by every device that lists it, one level each.
        Map<String, List<FenceLevel>> merged = new LinkedHashMap<>(FencingTopology.oneLevelPerDevice(list).levels());
        merged.putAll(levels);
        try {
            return new Result(true, Optional.of(new FencingTopology(list, merged)));
        } catch (IllegalArgumentException e) {
            // Every rule of the topology is checked above with its place; this is the backstop.
            problems.add(f.anchor(), "fencing: " + e.getMessage(), "fix the devices and levels as the message says");
            return new Result(true, Optional.empty());
        }
    }

    /** The valid devices by name, in file order; {@code names} gets every name written, valid or not. */
    private static Map<String, FenceDevice> devices(Fields f, Map<String, Place> nodeNames, Map<String, Place> names,
                                                    Problems problems) {
        Map<String, FenceDevice> devices = new LinkedHashMap<>();
        String hint = "add at least one device, e.g.\n  fencing:\n    devices:\n      - name: ipmi-n1\n"
                + "        agent: fence_ipmilan\n        params: { ip: 10.0.0.201, username: admin, password: secret }\n"
                + "        hosts: [n1]";
        if (!f.has("devices")) {
            problems.add(f.anchor(), f.key("devices") + " is missing", hint);
            return devices;
        }
        List<YamlNode> items = f.list("devices").orElse(null);
        if (items == null) {
            return devices;
        }
        if (items.isEmpty()) {
            problems.add(f.valuePlace("devices"), f.key("devices") + " is empty", hint + "; or remove fencing:");
            return devices;
        }
        for (int i = 0; i < items.size(); i++) {
            Fields.item(f.key("devices"), i, items.get(i), DEVICE_KEYS, problems)
                    .flatMap(d -> device(d, nodeNames, names, problems))
                    .ifPresent(d -> devices.put(d.name(), d));
        }
        return devices;
    }

    private static Optional<FenceDevice> device(Fields d, Map<String, Place> nodeNames, Map<String, Place> names,
                                                Problems problems) {
        Optional<String> name = d.requiredName("name", "fence device");
        boolean unique = name.isPresent() && NodesSection.firstUse(names, name.get(), d.valuePlace("name"),
                d.key("name") + " '" + name.get() + "'", "give each fence device its own name", problems);
        Optional<String> agent = agent(d, problems);
        Optional<Map<String, String>> params = params(d, problems);
        Optional<Map<String, String>> plugs = FenceHosts.read(d, nodeNames, HOSTS_HINT, problems);
        Optional<Duration> timeout = d.positiveDuration("timeout", FenceDevice.DEFAULT_TIMEOUT);
        Optional<Duration> delay = d.has("delay") ? d.duration("delay") : Optional.of(Duration.ZERO);
        if (!unique || agent.isEmpty() || params.isEmpty() || plugs.isEmpty() || timeout.isEmpty() || delay.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new FenceDevice(name.get(), agent.get(), params.get(), plugs.get(), timeout.get(),
                    delay.get()));
        } catch (IllegalArgumentException e) {
            problems.add(d.anchor(), d.path() + ": " + e.getMessage(),
                    "each parameter is one key=value line for the agent; keep names and values on one line");
            return Optional.empty();
        }
    }

    private static Optional<String> agent(Fields d, Problems problems) {
        String where = "a name, looked up in " + String.join(", ", FenceAgents.DIRS.stream()
                .map(Object::toString).toList()) + " (e.g. agent: fence_ipmilan), or an absolute path";
        Optional<String> agent = d.requiredText("agent", "name the fence agent that drives this device: " + where);
        if (agent.isEmpty()) {
            return agent;
        }
        String a = agent.get();
        if (a.isBlank() || a.chars().anyMatch(Character::isWhitespace)) {
            problems.add(d.valuePlace("agent"), d.key("agent") + " '" + a + "' is not one program",
                    "give only the agent, " + where + "; its settings go in params:");
            return Optional.empty();
        }
        if (a.contains("/") && !a.startsWith("/")) {
            problems.add(d.valuePlace("agent"), d.key("agent") + " '" + a + "' is a relative path",
                    "the daemon's working directory is not this file's; give " + where);
            return Optional.empty();
        }
        return agent;
    }

    /** The agent's parameters as strings; empty when any is malformed or one haven sets itself (reported). */
    private static Optional<Map<String, String>> params(Fields d, Problems problems) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Place> places = new LinkedHashMap<>();
        boolean ok = !d.has("params") || d.rawMapping("params").isPresent();
        for (YamlNode.Entry e : d.rawMapping("params").map(YamlNode.Mapping::entries).orElse(List.of())) {
            String key = d.key("params." + e.key());
            if (places.containsKey(e.key())) {
                problems.add(e.keyPlace(), key + " is written twice (first at " + places.get(e.key()).describe() + ")",
                        "keep one of them");
                ok = false;
            } else if (FenceAgents.SET_BY_HAVEN.contains(e.key())) {
                // The device constructor refuses these too; checked here to point at the key itself.
                problems.add(e.keyPlace(), key + " is set by haven on every run of the agent",
                        "remove it: haven gives the agent the action, and the plug of the node being fenced from "
                                + "the device's hosts (hosts: { n1: \"7\" } for a plug that is not the node's name)");
                ok = false;
            } else if (!(e.value() instanceof YamlNode.Scalar s) || s.isNull()) {
                problems.add(e.value().place(), key + " must be a single value, not " + e.value().describe(),
                        "write the value on the same line, quoted if it contains ': ' or '#'");
                ok = false;
            } else {
                values.put(e.key(), s.text());
            }
            places.putIfAbsent(e.key(), e.keyPlace());
        }
        return ok ? Optional.of(values) : Optional.empty();
    }
}
