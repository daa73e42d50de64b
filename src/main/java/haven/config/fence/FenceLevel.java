package haven.config.fence;

import java.util.HashSet;
import java.util.List;

/**
 * One level of a target's fencing topology: devices that must all succeed for the level to fence the node
 * (two power supplies fed by two switched PDUs make one level of two devices).
 *
 * @param index 1 for the first level tried, 2 for the next, ...
 */
public record FenceLevel(int index, List<String> devices) {
    public FenceLevel {
        if (index < 1) throw new IllegalArgumentException("fence levels are numbered from 1, got " + index);
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException("fence level " + index + " has no device: list at least one");
        }
        devices = List.copyOf(devices);
        if (new HashSet<>(devices).size() != devices.size()) {
            throw new IllegalArgumentException("fence level " + index + " lists a device twice: " + devices);
        }
    }

    public static FenceLevel of(int index, String... devices) {
        return new FenceLevel(index, List.of(devices));
    }
}
