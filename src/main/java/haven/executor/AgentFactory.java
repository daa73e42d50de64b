package haven.executor;

import haven.config.ResourceConfig;
import haven.executor.agents.IpAddrAgent;
import haven.executor.agents.PostgresqlAgent;
import haven.executor.agents.ProcessAgent;
import haven.executor.agents.ReplicatedDirAgent;
import haven.executor.agents.lsb.LsbAgent;
import haven.executor.agents.ocf.OcfAgent;
import haven.executor.agents.ocf.OcfType;
import haven.executor.agents.systemd.SystemdAgent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds the agent for a configured resource from its type. Agents check their parameters here, so a
 * configuration can be validated by creating its agents before anything runs.
 */
public final class AgentFactory {
    /** Builds a built-in type's agent from its resource, environment and (in a daemon) site. */
    private interface Maker {
        ResourceAgent make(ResourceConfig rc, Map<String, String> environment, Optional<AgentSite> site);
    }

    private static final Map<String, Maker> TYPES = new TreeMap<>(Map.of(
            IpAddrAgent.TYPE, (rc, env, site) -> new IpAddrAgent(rc),
            ProcessAgent.TYPE, (rc, env, site) -> new ProcessAgent(rc, env),
            ReplicatedDirAgent.TYPE, ReplicatedDirAgent::new,
            PostgresqlAgent.TYPE, PostgresqlAgent::new));

    private AgentFactory() {}

    /** Throws IllegalArgumentException for an unknown type or bad parameters, naming the resource and the fix. */
    public static ResourceAgent create(ResourceConfig rc) {
        return create(rc, Map.of());
    }

    /** {@code environment}: variables the agent adds for the programs it runs (HAVEN_NODE, ...). */
    public static ResourceAgent create(ResourceConfig rc, Map<String, String> environment) {
        return create(rc, environment, Optional.empty());
    }

    /** {@code site}: the daemon's state folder and key, for built-in agents that keep state (none when checking a config). */
    public static ResourceAgent create(ResourceConfig rc, Map<String, String> environment, Optional<AgentSite> site) {
        // Agents installed on the host are named by class and name, not listed here.
        if (OcfType.looksLike(rc.type())) return new OcfAgent(rc, environment);
        if (rc.type().startsWith(LsbAgent.PREFIX)) return new LsbAgent(rc, environment);
        if (rc.type().startsWith(SystemdAgent.PREFIX)) return new SystemdAgent(rc);
        Maker maker = TYPES.get(rc.type());
        if (maker == null) {
            throw new IllegalArgumentException("resource " + rc.id() + ": unknown type '" + rc.type() + "'; known types are "
                    + String.join(", ", knownTypes()) + ", and ocf:PROVIDER:TYPE, lsb:NAME, systemd:UNIT");
        }
        return maker.make(rc, environment, site);
    }

    /** The agent types this build knows, sorted. */
    public static List<String> knownTypes() {
        return List.copyOf(TYPES.keySet());
    }
}
