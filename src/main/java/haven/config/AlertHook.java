package haven.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * One alert hook: a script run for each event of the chosen types, one call at a time in event order, with
 * a timeout. An empty {@code events} set means every type.
 */
public record AlertHook(String name, Path script, Set<String> events, Duration timeout) {
    public AlertHook {
        events = Set.copyOf(events);
    }

    public boolean wants(String type) {
        return events.isEmpty() || events.contains(type);
    }
}
