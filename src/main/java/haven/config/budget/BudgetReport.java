package haven.config.budget;

import java.util.ArrayList;
import java.util.List;

/** The failover budget of every group, and what the check found, errors and warnings in file order. */
public record BudgetReport(List<GroupBudget> groups, FencingTerm fencing, List<Finding> findings) {
    public BudgetReport {
        groups = List.copyOf(groups);
        findings = List.copyOf(findings);
    }

    /** This report with {@code more} findings, such as those of the agent checks above this package, in file order. */
    public BudgetReport with(List<Finding> more) {
        List<Finding> all = new ArrayList<>(findings);
        all.addAll(more);
        all.sort(Finding.FILE_ORDER);
        return new BudgetReport(groups, fencing, all);
    }

    public List<Finding> errors() {
        return findings.stream().filter(Finding::isError).toList();
    }

    public List<Finding> warnings() {
        return findings.stream().filter(f -> !f.isError()).toList();
    }
}
