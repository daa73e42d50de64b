package haven.ping;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which ping nodes count as reachable, with hysteresis: a target goes down only after {@code downAfter}
 * failed probes in a row, and comes back with the first answer. One lost echo must not move services; a
 * dead uplink must, within a few probe rounds. Pure; one thread calls it.
 */
public final class Reachability {
    private final int downAfter;
    private final Map<String, Integer> failuresInARow = new TreeMap<>();
    private final Map<String, Boolean> up = new TreeMap<>();

    public Reachability(List<String> targets, int downAfter) {
        if (downAfter < 1) throw new IllegalArgumentException("downAfter must be at least 1");
        this.downAfter = downAfter;
        for (String t : targets) failuresInARow.put(t, 0);
    }

    /** Takes in one probe result. The first result of a target decides its state at once. */
    public void record(String target, boolean answered) {
        if (!failuresInARow.containsKey(target)) throw new IllegalArgumentException("not a ping node: " + target);
        if (answered) {
            failuresInARow.put(target, 0);
            up.put(target, true);
        } else {
            int failures = failuresInARow.merge(target, 1, Integer::sum);
            if (!up.containsKey(target) || failures >= downAfter) up.put(target, false);
        }
    }

    /** True once every target has been probed at least once. */
    public boolean known() {
        return up.size() == failuresInARow.size();
    }

    public int reachable() {
        return (int) up.values().stream().filter(b -> b).count();
    }
}
