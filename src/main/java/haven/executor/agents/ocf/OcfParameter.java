package haven.executor.agents.ocf;

import java.util.Optional;

/**
 * One {@code <parameter>} of an agent's meta-data. {@code type}: string, integer, boolean, ... as the agent says.
 * {@code reloadable}: the agent (OCF 1.1, with {@code reload-agent}) can take a new value without a restart.
 */
public record OcfParameter(String name, boolean required, boolean unique, String type, Optional<String> defaultValue,
                           String shortdesc, boolean reloadable) {
    public OcfParameter(String name, boolean required, boolean unique, String type, Optional<String> defaultValue, String shortdesc) {
        this(name, required, unique, type, defaultValue, shortdesc, false);
    }
}
