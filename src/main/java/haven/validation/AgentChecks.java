package haven.validation;

import haven.config.ClusterConfig;
import haven.config.budget.Finding;
import haven.fencing.AgentLocator;
import haven.fencing.FenceAgentRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules that need the agents installed on this machine (their meta-data: parameters a resource or a
 * fence device may take), on top of the loader's. Every caller of {@link ConfigCheck} passes
 * {@link #INSTALLED}; {@link #NONE} is for tests and for configs checked where no agent can run.
 */
public interface AgentChecks {
    /** @param yaml the text {@code config} was loaded from, for places */
    List<Finding> run(ClusterConfig config, String yaml, String source);

    AgentChecks NONE = (config, yaml, source) -> List.of();

    AgentChecks INSTALLED = (config, yaml, source) -> {
        List<Finding> found = new ArrayList<>(
                new FenceAgentCheck(AgentLocator.standard(), new FenceAgentRunner()).run(config, yaml, source));
        found.addAll(ResourceAgentCheck.standard().run(config, yaml, source));
        return found;
    };
}
