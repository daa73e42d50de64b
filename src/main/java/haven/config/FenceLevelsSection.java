package haven.config;

import haven.core.Suggestions;
import haven.config.fence.FenceDevice;
import haven.config.fence.FenceLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code fencing.levels:}, per node the levels to try in order: {@code n1: [[ipmi-n1], [pdu-a, pdu-b]]}. A
 * level succeeds only when all its devices do (two power supplies on two switched PDUs make one level); a
 * bare device name is a level of that one device. Nodes left out are fenced by every device that lists them.
 */
final class FenceLevelsSection {
    private static final String HINT = "give each node a list of levels, tried in order, each a list of devices "
            + "that must all succeed: levels: { n1: [[ipmi-n1], [pdu]] }";

    private FenceLevelsSection() {}

    /**
     * The levels written for each node; a node with a bad level is left out (reported).
     *
     * @param devices     the valid devices by name
     * @param deviceNames every device name written, valid or not, so that a level naming a device with
     *                    problems of its own is not reported a second time
     */
    static Map<String, List<FenceLevel>> read(Fields fencing, Map<String, Place> nodeNames,
                                              Map<String, FenceDevice> devices, Map<String, Place> deviceNames,
                                              Problems problems) {
        Map<String, List<FenceLevel>> levels = new LinkedHashMap<>();
        Map<String, Place> seen = new HashMap<>();
        Optional<YamlNode> written = fencing.node("levels");
        if (written.isEmpty()) {
            return levels;
        }
        if (!(written.get() instanceof YamlNode.Mapping map)) {
            problems.add(written.get().place(), fencing.key("levels") + " must map each node to its levels, not "
                    + written.get().describe(), HINT);
            return levels;
        }
        for (YamlNode.Entry e : map.entries()) {
            String node = e.key();
            String what = fencing.key("levels." + node);
            if (!nodeNames.containsKey(node)) {
                problems.add(e.keyPlace(), fencing.key("levels") + " names '" + node + "', which is not a node",
                        Suggestions.hint(node, List.copyOf(nodeNames.keySet())).replace("known:", "nodes:"));
                continue;
            }
            if (!NodesSection.firstUse(seen, node, e.keyPlace(), what, "give each node one list of levels", problems)) {
                continue;
            }
            if (!(e.value() instanceof YamlNode.Sequence seq)) {
                problems.add(e.value().place(), what + " must be a list of levels, not " + e.value().describe(), HINT);
                continue;
            }
            if (seq.items().isEmpty()) {
                problems.add(seq.place(), what + " lists no level",
                        "list its levels, or remove " + node + " to fence it with every device that lists it");
                continue;
            }
            List<FenceLevel> list = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < seq.items().size(); i++) {
                List<String> names = level(what + " level " + (i + 1), node, seq.items().get(i), devices,
                        deviceNames, problems);
                ok &= !names.isEmpty();
                if (!names.isEmpty()) {
                    list.add(new FenceLevel(i + 1, names));
                }
            }
            if (ok) {
                levels.put(node, List.copyOf(list));
            }
        }
        return levels;
    }

    /** One level's device names; empty when anything is wrong with it (reported, or reported already). */
    private static List<String> level(String what, String node, YamlNode item, Map<String, FenceDevice> devices,
                                      Map<String, Place> deviceNames, Problems problems) {
        List<YamlNode> entries;
        if (item instanceof YamlNode.Sequence seq) {
            entries = seq.items();
        } else if (item instanceof YamlNode.Scalar s && !s.isNull()) {
            entries = List.of(s);
        } else {
            problems.add(item.place(), what + " must be a device name or a list of them, not " + item.describe(), HINT);
            return List.of();
        }
        if (entries.isEmpty()) {
            problems.add(item.place(), what + " is empty", "list at least one device, or remove the level");
            return List.of();
        }
        List<String> names = new ArrayList<>();
        Map<String, Place> seen = new HashMap<>();
        boolean ok = true;
        for (YamlNode entry : entries) {
            ok &= device(what, node, entry, devices, deviceNames, seen, problems).map(names::add).orElse(false);
        }
        return ok ? names : List.of();
    }

    private static Optional<String> device(String what, String node, YamlNode entry,
                                                     Map<String, FenceDevice> devices, Map<String, Place> deviceNames,
                                                     Map<String, Place> seen, Problems problems) {
        if (!(entry instanceof YamlNode.Scalar s) || s.isNull()) {
            problems.add(entry.place(), what + " must list device names, not " + entry.describe(), HINT);
            return Optional.empty();
        }
        String name = s.text();
        if (!deviceNames.containsKey(name)) {
            problems.add(s.place(), what + " names '" + name + "', which is not a fence device",
                    Suggestions.hint(name, List.copyOf(deviceNames.keySet())).replace("known:", "devices:"));
            return Optional.empty();
        }
        FenceDevice device = devices.get(name);
        if (device == null) {
            return Optional.empty();
        }
        if (!device.canFence(node)) {
            problems.add(s.place(), what + " uses device '" + name + "', which cannot fence " + node,
                    "add " + node + " to the hosts of " + name + " (it fences " + String.join(", ",
                            device.plugs().keySet().stream().sorted().toList()) + "), or use a device that lists "
                            + node);
            return Optional.empty();
        }
        if (!NodesSection.firstUse(seen, name, s.place(), what + " device '" + name + "'",
                "list each device once per level", problems)) {
            return Optional.empty();
        }
        return Optional.of(name);
    }
}
