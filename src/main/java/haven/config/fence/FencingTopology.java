package haven.config.fence;

import haven.core.Suggestions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every fence device, and per target node the levels to try in order. Checked as a whole on construction:
 * unique device names, every level's devices exist and can fence that target, level numbers distinct.
 *
 * @param levels target node → its levels; a node may be absent (it cannot be fenced)
 */
public record FencingTopology(List<FenceDevice> devices, Map<String, List<FenceLevel>> levels) {

    public FencingTopology {
        devices = List.copyOf(devices);
        Map<String, FenceDevice> byName = new LinkedHashMap<>();
        for (FenceDevice d : devices) {
            if (byName.put(d.name(), d) != null) {
                throw new IllegalArgumentException("two fence devices are named '" + d.name() + "'; rename one");
            }
        }
        Map<String, List<FenceLevel>> sorted = new LinkedHashMap<>();
        levels.forEach((target, list) -> {
            List<FenceLevel> copy = new ArrayList<>(list);
            copy.sort(Comparator.comparingInt(FenceLevel::index));
            for (int i = 1; i < copy.size(); i++) {
                if (copy.get(i).index() == copy.get(i - 1).index()) {
                    throw new IllegalArgumentException("node '" + target + "' has two fence levels numbered "
                            + copy.get(i).index() + "; number them 1, 2, ...");
                }
            }
            for (FenceLevel level : copy) {
                for (String name : level.devices()) {
                    FenceDevice d = byName.get(name);
                    if (d == null) {
                        throw new IllegalArgumentException("fence level " + level.index() + " of node '" + target
                                + "' names device '" + name + "', which is not defined; devices are "
                                + byName.keySet() + Suggestions.nearest(name, byName.keySet())
                                        .map(n -> " (did you mean '" + n + "'?)").orElse(""));
                    }
                    if (!d.canFence(target)) {
                        throw new IllegalArgumentException("fence level " + level.index() + " of node '" + target
                                + "' uses device '" + name + "', which cannot fence it (it fences "
                                + d.plugs().keySet() + "); add " + target + " to the device's nodes");
                    }
                }
            }
            sorted.put(target, List.copyOf(copy));
        });
        levels = Map.copyOf(sorted);
    }

    /**
     * A topology of one level per device, in the order given, for every node each device can fence: what
     * a config without explicit levels means.
     */
    public static FencingTopology oneLevelPerDevice(List<FenceDevice> devices) {
        Map<String, List<FenceLevel>> levels = new LinkedHashMap<>();
        for (FenceDevice d : devices) {
            for (String node : d.plugs().keySet()) {
                List<FenceLevel> list = levels.computeIfAbsent(node, n -> new ArrayList<>());
                list.add(FenceLevel.of(list.size() + 1, d.name()));
            }
        }
        return new FencingTopology(devices, levels);
    }

    public List<FenceLevel> levelsFor(String target) {
        return levels.getOrDefault(target, List.of());
    }

    public Optional<FenceDevice> device(String name) {
        return devices.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public boolean canFence(String target) {
        return !levelsFor(target).isEmpty();
    }
}
