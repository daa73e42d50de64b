package haven.daemon;

import haven.config.budget.Finding;
import haven.validation.AgentChecks;
import haven.validation.ConfigCheck;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A daemon's config at start, judged by {@link ConfigCheck} as `haven config check` judges it: warnings are
 * printed (to the daemon's log) and the daemon starts; any error is printed with its line and column and
 * the daemon does not start.
 */
final class StartupConfig {
    private StartupConfig() {}

    /** The outcome when the file is usable; empty (everything printed to {@code err}) when it is not. */
    static Optional<ConfigCheck.Outcome> load(Path file, AgentChecks agents, PrintStream err) {
        ConfigCheck.Outcome outcome = ConfigCheck.file(file, agents);
        outcome.warnings().forEach(err::println);
        if (!outcome.ok()) {
            outcome.errors().stream().map(Finding::toString).forEach(err::println);
            int n = outcome.errors().size();
            err.println(n + " problem" + (n == 1 ? "" : "s") + " in " + file + "; `haven config check " + file
                    + "` prints the same");
            return Optional.empty();
        }
        return Optional.of(outcome);
    }
}
