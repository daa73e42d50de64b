package haven.config.budget;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import haven.config.ConfigProblem;
import java.util.List;

/**
 * The budget and problems for scripts. Durations are whole milliseconds, so that nothing has to parse
 * "51.2s"; problems carry the same fields as the text output.
 */
public final class BudgetJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private BudgetJson() {}

    public static ArrayNode groups(BudgetReport report) {
        ArrayNode groups = JSON.arrayNode();
        for (GroupBudget b : report.groups()) {
            ObjectNode g = groups.addObject();
            g.put("group", b.group().name());
            g.put("detect_ms", b.detect().toMillis());
            g.put("confirm_ms", b.confirm().toMillis());
            g.put("lease_wait_ms", b.leaseWait().toMillis());
            g.put("fence_ms", b.fence().toMillis());
            g.put("plan_ms", b.plan().toMillis());
            g.put("probe_start_ms", b.probeStart().toMillis());
            g.put("worst_case_ms", b.worstCase().toMillis());
        }
        return groups;
    }

    public static ArrayNode problems(List<Finding> findings) {
        ArrayNode out = JSON.arrayNode();
        findings.forEach(f -> out.add(problem(f.problem(), f.isError() ? "error" : "warning")));
        return out;
    }

    /** One problem; the loader's problems are all errors. */
    public static ObjectNode problem(ConfigProblem p, String severity) {
        ObjectNode o = JSON.objectNode();
        o.put("severity", severity);
        o.put("file", p.source());
        o.put("line", p.line());
        o.put("column", p.column());
        o.put("message", p.message());
        if (p.hint() == null) {
            o.putNull("hint");
        } else {
            o.put("hint", p.hint());
        }
        return o;
    }
}
