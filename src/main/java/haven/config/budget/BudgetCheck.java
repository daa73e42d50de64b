package haven.config.budget;

import haven.config.ClusterConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The failover budget of a loaded config: how long each group may be down when its node dies, and the
 * timer settings that are unsafe (errors) or doubtful (warnings), each reported at its place in the file.
 */
public final class BudgetCheck {
    private BudgetCheck() {}

    /**
     * @param yaml   the text the config was loaded from, read again only for places; null when it is
     *               not at hand (problems are then reported against the whole file)
     * @param source how problems name the file, as the loader does
     */
    public static BudgetReport run(ClusterConfig config, String yaml, String source) {
        return run(config, yaml, source, FencingTerm.of(config));
    }

    static BudgetReport run(ClusterConfig config, String yaml, String source, FencingTerm fencing) {
        Blame blame = Blame.lazy(source, yaml, config);
        List<GroupBudget> budgets = FailoverBudget.of(config, fencing);
        // The timing rules are the loader's (every config here has passed them); what is left are warnings.
        List<Finding> findings = new ArrayList<>(BudgetWarnings.check(config, budgets, blame));
        findings.sort(Finding.FILE_ORDER);
        return new BudgetReport(budgets, fencing, findings);
    }
}
