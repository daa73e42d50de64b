package haven.config.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The budget as a plain-text table with aligned columns, and a legend that says where each term comes from. */
public final class BudgetTable {
    private static final List<String> HEADER =
            List.of("group", "detect", "confirm", "lease-wait", "fence", "plan", "probe+start", "worst-case");
    private static final List<Function<GroupBudget, Duration>> TERMS = List.of(GroupBudget::detect,
            GroupBudget::confirm, GroupBudget::leaseWait, GroupBudget::fence, GroupBudget::plan,
            GroupBudget::probeStart, GroupBudget::worstCase);

    private BudgetTable() {}

    public static String render(BudgetReport report) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (GroupBudget b : report.groups()) {
            List<String> row = new ArrayList<>();
            row.add(b.group().name());
            TERMS.forEach(term -> row.add(HumanDuration.format(term.apply(b))));
            rows.add(row);
        }
        StringBuilder out = new StringBuilder("failover budget: worst case from a node's death to its groups running elsewhere\n");
        appendAligned(rows, out);
        out.append("  detect = failure_timeout + verify_timeout; confirm = heartbeat; lease-wait = what remains of lease + 2.5 x lease_margin after detect + confirm;\n");
        out.append("  fence = ").append(report.fencing().configured()
                ? "slowest fencing path + delay (the slowest node's levels in turn; per device: delay + off + status,\n"
                        + "  each run up to the device's timeout)" : "0 (no fencing configured)");
        out.append("; plan = heartbeat; probe+start = slowest monitor_timeout + all start_timeouts\n");
        return out.toString();
    }

    private static void appendAligned(List<List<String>> rows, StringBuilder out) {
        int[] width = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i)).append(" ".repeat(width[i] - row.get(i).length() + 2));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
