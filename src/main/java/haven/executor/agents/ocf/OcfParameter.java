package haven.executor.agents.ocf;

import java.util.Optional;

/** One {@code <parameter>} of an agent's meta-data. {@code type}: string, integer, boolean, ... as the agent says. */
public record OcfParameter(String name, boolean required, boolean unique, String type, Optional<String> defaultValue,
                           String shortdesc) {}
