package haven.executor.agents.ocf;

import java.time.Duration;
import java.util.Optional;

/** One {@code <action>} of an agent's meta-data, with the timeout and interval the agent's author advises. */
public record OcfAction(String name, Optional<Duration> timeout, Optional<Duration> interval, Optional<Integer> depth,
                        Optional<String> role) {}
