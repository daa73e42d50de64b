package haven.validation;

import haven.config.live.LiveScope;
import haven.config.ClusterConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Checks a proposed config text on the node that received it through {@link ConfigCheck}, as `haven config
 * check` and `haven node` do, and then whether the change from the running config can be applied live
 * ({@link LiveScope}). Every problem is named, not only the first, with its line and column.
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

    private final Path baseDir;
    private final AgentChecks agents;

    /** {@code baseDir}: the running config file's folder, against which a relative key_file is read. */
    public ConfigValidator(Path baseDir, AgentChecks agents) {
        this.baseDir = baseDir;
        this.agents = agents;
    }

    public Verdict check(String text, String source, ClusterConfig running) {
        ConfigCheck.Outcome outcome = ConfigCheck.text(text, source, baseDir, agents);
        if (!outcome.ok()) {
            return new Verdict(Optional.empty(), outcome.errors().stream().map(f -> f.problem().toString()).toList());
        }
        ClusterConfig next = outcome.config().orElseThrow();
        List<String> problems = LiveScope.notLive(running, next);
        return problems.isEmpty() ? new Verdict(Optional.of(next), List.of()) : new Verdict(Optional.empty(), problems);
    }
}
