package haven.config;

import haven.core.ResourceId;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * One resource: its agent type (ipaddr, process, ...), the agent's parameters as given, and its operation
 * timing. Parameters stay strings here; each agent validates its own.
 */
public record ResourceConfig(
        ResourceId id,
        String type,
        Map<String, String> params,
        Duration startTimeout,
        Duration stopTimeout,
        Duration monitorInterval,
        Duration monitorTimeout) {

    public ResourceConfig {
        params = java.util.Collections.unmodifiableMap(new TreeMap<>(params));
    }
}
