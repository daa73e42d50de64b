package haven.validation;

import haven.config.live.ReloadRules;
import haven.config.ResourceConfig;
import haven.executor.agents.ocf.OcfAgent;
import haven.executor.agents.ocf.OcfMetadata;
import haven.executor.agents.ocf.OcfParameter;
import haven.executor.agents.ocf.OcfType;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reload as Pacemaker decides it, from the agent's own meta-data. An agent with {@code reload-agent} (OCF 1.1)
 * reloads exactly the parameters it marks {@code reloadable="1"}. An older agent with only {@code reload}
 * reloads any parameter it declares and does not mark {@code unique="1"} (unique ones name the instance:
 * an address, a config file, so changing one is a different resource). A parameter the agent does not
 * declare, or any other agent class, restarts.
 */
public final class OcfReloadRules implements ReloadRules {
    private final Function<ResourceConfig, OcfMetadata> metadata;

    public OcfReloadRules(Function<ResourceConfig, OcfMetadata> metadata) {
        this.metadata = metadata;
    }

    /** Reads meta-data from the agents installed under the standard OCF root. */
    public static OcfReloadRules installed() {
        return new OcfReloadRules(rc -> new OcfAgent(rc).metadata());
    }

    @Override
    public boolean reloads(ResourceConfig next, Set<String> changed) {
        if (!OcfType.looksLike(next.type())) return false;
        OcfMetadata md;
        try {
            md = metadata.apply(next);
        } catch (IllegalArgumentException e) {
            return false; // an agent that cannot describe itself is restarted, which is always correct
        }
        boolean modern = md.advertises("reload-agent");
        if (!modern && !md.advertises("reload")) return false;
        for (String name : changed) {
            Optional<OcfParameter> p = md.parameter(name);
            if (p.isEmpty()) return false;
            if (modern ? !p.get().reloadable() : p.get().unique()) return false;
        }
        return true;
    }
}
