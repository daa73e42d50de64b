package haven.validation;

import haven.config.ClusterConfig;
import haven.config.ConfigException;
import haven.config.ConfigLoader;
import haven.config.ConfigProblem;
import haven.config.SecretFileModes;
import haven.config.budget.BudgetCheck;
import haven.config.budget.BudgetReport;
import haven.config.budget.Finding;
import haven.config.budget.Finding.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one way a config is judged, whoever asks: `haven config check`, `haven node` (and `haven witness`) at
 * start, and a change through `PUT /ha/config` (which `haven config apply` uses). In order: the file's size
 * and form, the loader's rules (every rule that needs no program: structure, names, addresses, timing,
 * OCF parameter names), the failover budget's warnings, then the installed agents' answers
 * ({@link AgentChecks}), and warnings about a key other users can read. Every problem carries its line and
 * column; errors make the config unusable, warnings are printed and the config is used.
 */
public final class ConfigCheck {
    /**
     * @param text     the text that was judged; empty only when the file could not be read
     * @param config   present when the loader accepted the text; use it only when {@link #ok()}
     * @param budget   present when the loader accepted the text
     * @param findings errors and warnings, in file order
     */
    public record Outcome(Optional<String> text, Optional<ClusterConfig> config, Optional<BudgetReport> budget,
                          List<Finding> findings) {
        public Outcome {
            findings = List.copyOf(findings);
        }

        /** The config may be used: it loaded and nothing (the agents included) found an error. */
        public boolean ok() {
            return config.isPresent() && findings.stream().noneMatch(Finding::isError);
        }

        public List<Finding> errors() {
            return findings.stream().filter(Finding::isError).toList();
        }

        public List<Finding> warnings() {
            return findings.stream().filter(f -> !f.isError()).toList();
        }
    }

    private ConfigCheck() {}

    /** A config file, read within {@link haven.config.YamlLimits}; a relative key_file is read beside it. */
    public static Outcome file(Path file, AgentChecks agents) {
        String yaml;
        try {
            yaml = ConfigLoader.read(file);
        } catch (ConfigException e) {
            return new Outcome(Optional.empty(), Optional.empty(), Optional.empty(), errors(e.problems()));
        }
        return judge(yaml, file.toString(), ConfigLoader.baseDirOf(file), Optional.of(file), agents);
    }

    /** A config text that has no file yet (a change sent over the API). */
    public static Outcome text(String yaml, String source, Path baseDir, AgentChecks agents) {
        return judge(yaml, source, baseDir, Optional.empty(), agents);
    }

    private static Outcome judge(String yaml, String source, Path baseDir, Optional<Path> file, AgentChecks agents) {
        List<Finding> modes = SecretFileModes.warnings(source, file, yaml, baseDir).stream()
                .map(p -> new Finding(Severity.WARNING, p)).toList();
        ClusterConfig config;
        try {
            config = ConfigLoader.parse(yaml, source, baseDir);
        } catch (ConfigException e) {
            List<Finding> all = new ArrayList<>(errors(e.problems()));
            all.addAll(modes);
            return new Outcome(Optional.of(yaml), Optional.empty(), Optional.empty(), sorted(all));
        }
        BudgetReport budget = BudgetCheck.run(config, yaml, source).with(agents.run(config, yaml, source)).with(modes);
        return new Outcome(Optional.of(yaml), Optional.of(config), Optional.of(budget), budget.findings());
    }

    private static List<Finding> errors(List<ConfigProblem> problems) {
        return problems.stream().map(p -> new Finding(Severity.ERROR, p)).toList();
    }

    private static List<Finding> sorted(List<Finding> findings) {
        List<Finding> all = new ArrayList<>(findings);
        all.sort(Finding.FILE_ORDER);
        return all;
    }
}
