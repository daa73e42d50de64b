package haven.validation;

import haven.config.live.LiveScope;
import haven.config.ClusterConfig;
import haven.config.ConfigException;
import haven.config.ConfigLoader;
import haven.config.budget.BudgetCheck;
import haven.config.budget.BudgetReport;
import haven.fencing.AgentLocator;
import haven.fencing.FenceAgentRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a proposed config text on the node that received it, as `haven config check` would (the loader,
 * then the agents' meta-data and the failover budget), and then whether the change from the running config
 * can be applied live ({@link LiveScope}). Every problem is named, not only the first.
 */
public final class ConfigValidator {
    /** {@code config}: present exactly when {@code problems} is empty. */
    public record Verdict(Optional<ClusterConfig> config, List<String> problems) {
        public Verdict {
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Runs the agents' checks, or not (where tests or a node have no agents installed). */
    public interface AgentChecks {
        List<String> errors(ClusterConfig config, String yaml, String source);

        AgentChecks NONE = (c, y, s) -> List.of();

        /** The checks of `haven config check`, with the agents installed on this machine. */
        AgentChecks INSTALLED = (config, yaml, source) -> {
            BudgetReport r = BudgetCheck.run(config, yaml, source)
                    .with(new FenceAgentCheck(AgentLocator.standard(), new FenceAgentRunner()).run(config, yaml, source))
                    .with(ResourceAgentCheck.standard().run(config, yaml, source));
            return r.errors().stream().map(f -> f.problem().toString()).toList();
        };
    }

    private final Path baseDir;
    private final AgentChecks agents;

    /** {@code baseDir}: the running config file's folder, against which a relative key_file is read. */
    public ConfigValidator(Path baseDir, AgentChecks agents) {
        this.baseDir = baseDir;
        this.agents = agents;
    }

    public Verdict check(String text, String source, ClusterConfig running) {
        ClusterConfig next;
        try {
            next = ConfigLoader.parse(text, source, baseDir);
        } catch (ConfigException e) {
            return new Verdict(Optional.empty(), e.problems().stream().map(Object::toString).toList());
        }
        List<String> problems = new ArrayList<>(agents.errors(next, text, source));
        problems.addAll(LiveScope.notLive(running, next));
        return problems.isEmpty() ? new Verdict(Optional.of(next), List.of()) : new Verdict(Optional.empty(), problems);
    }
}
