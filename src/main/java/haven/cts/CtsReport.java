package haven.cts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A CTS run's report: the seed and lab shape (enough to replay it), every step with what it injected and
 * observed, and a summary per step kind. Passed only if no step failed and the run was not stopped.
 *
 * @param stopped empty, or why the run ended early (a cluster that would not settle)
 */
public record CtsReport(long seed, int nodes, boolean witness, int iterations, List<StepRecord> steps,
        long durationMs, String stopped) {

    public boolean passed() {
        return stopped.isEmpty() && steps.stream().noneMatch(s -> s.status() == StepRecord.Status.FAIL);
    }

    public long count(StepRecord.Status status) {
        return steps.stream().filter(s -> s.status() == status).count();
    }

    /** Per step kind, in order of first appearance: runs, passes, fails, skips, the measurements. */
    public record KindSummary(String step, int pass, int fail, int skip, List<Long> measuredMs, long budgetMs) {
        public long maxMs() {
            return measuredMs.stream().mapToLong(Long::longValue).max().orElse(-1);
        }

        public long medianMs() {
            if (measuredMs.isEmpty()) {
                return -1;
            }
            List<Long> sorted = new ArrayList<>(measuredMs);
            sorted.sort(null);
            return sorted.get((sorted.size() - 1) / 2);
        }
    }

    public List<KindSummary> byKind() {
        Map<String, List<StepRecord>> kinds = new LinkedHashMap<>();
        steps.forEach(s -> kinds.computeIfAbsent(s.step(), k -> new ArrayList<>()).add(s));
        List<KindSummary> out = new ArrayList<>();
        kinds.forEach((kind, list) -> out.add(new KindSummary(kind,
                (int) list.stream().filter(s -> s.status() == StepRecord.Status.PASS).count(),
                (int) list.stream().filter(s -> s.status() == StepRecord.Status.FAIL).count(),
                (int) list.stream().filter(s -> s.status() == StepRecord.Status.SKIP).count(),
                list.stream().filter(s -> s.measuredMs() >= 0).map(StepRecord::measuredMs).toList(),
                list.stream().mapToLong(StepRecord::budgetMs).max().orElse(-1))));
        return out;
    }

    public String text() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "CTS run: seed %d, %d nodes%s, %d iterations, %.1f s%n", seed, nodes,
                witness ? " (with witness)" : "", iterations, durationMs / 1000.0));
        for (StepRecord r : steps) {
            s.append(String.format(Locale.ROOT, "%3d %-16s %s", r.iteration(), r.step(), r.status()));
            if (r.status() == StepRecord.Status.SKIP) {
                s.append("  (").append(String.join("; ", r.observed())).append(")\n");
                continue;
            }
            s.append(String.format(Locale.ROOT, "  %s %s ms (budget %d ms), step took %.1f s%n", r.measure(),
                    r.measuredMs() < 0 ? "-" : Long.toString(r.measuredMs()), r.budgetMs(), r.durationMs() / 1000.0));
            r.injected().forEach(i -> s.append("      injected: ").append(i).append('\n'));
            r.observed().forEach(o -> s.append("      observed: ").append(o).append('\n'));
            r.problems().forEach(p -> s.append("      FAILED: ").append(p.replace("\n", "\n        ")).append('\n'));
            if (!r.logsKept().isEmpty()) {
                s.append("      daemon logs kept in ").append(r.logsKept()).append('\n');
            }
        }
        s.append("summary by step kind:\n");
        for (KindSummary k : byKind()) {
            s.append(String.format(Locale.ROOT, "  %-16s pass %d, fail %d, skip %d", k.step(), k.pass(), k.fail(), k.skip()));
            if (!k.measuredMs().isEmpty()) {
                s.append(String.format(Locale.ROOT, "; measured median %d ms, max %d ms (budget %d ms)", k.medianMs(),
                        k.maxMs(), k.budgetMs()));
            }
            s.append('\n');
        }
        if (!stopped.isEmpty()) {
            s.append("STOPPED: ").append(stopped).append('\n');
        }
        s.append(String.format(Locale.ROOT, "%s: %d passed, %d failed, %d skipped (seed %d)%n", passed() ? "PASSED" : "FAILED",
                count(StepRecord.Status.PASS), count(StepRecord.Status.FAIL), count(StepRecord.Status.SKIP), seed));
        return s.toString();
    }

    public String json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("seed", seed);
        o.put("nodes", nodes);
        o.put("witness", witness);
        o.put("iterations", iterations);
        o.put("passed", passed());
        o.put("pass", count(StepRecord.Status.PASS));
        o.put("fail", count(StepRecord.Status.FAIL));
        o.put("skip", count(StepRecord.Status.SKIP));
        o.put("duration_ms", durationMs);
        if (!stopped.isEmpty()) {
            o.put("stopped", stopped);
        }
        ArrayNode list = o.putArray("steps");
        for (StepRecord r : steps) {
            ObjectNode j = list.addObject();
            j.put("iteration", r.iteration());
            j.put("step", r.step());
            j.put("status", r.status().name().toLowerCase(Locale.ROOT));
            if (r.status() == StepRecord.Status.SKIP) {
                j.put("skipped_because", String.join("; ", r.observed()));
                continue;
            }
            j.put("expectation", r.expectation());
            j.putPOJO("injected", r.injected());
            j.putPOJO("observed", r.observed());
            j.put("measure", r.measure());
            j.put("measured_ms", r.measuredMs());
            j.put("budget_ms", r.budgetMs());
            j.put("duration_ms", r.durationMs());
            j.putPOJO("problems", r.problems());
            if (!r.logsKept().isEmpty()) {
                j.put("logs_kept", r.logsKept());
            }
        }
        ArrayNode kinds = o.putArray("by_kind");
        for (KindSummary k : byKind()) {
            ObjectNode j = kinds.addObject();
            j.put("step", k.step());
            j.put("pass", k.pass());
            j.put("fail", k.fail());
            j.put("skip", k.skip());
            j.putPOJO("measured_ms", k.measuredMs());
            j.put("median_ms", k.medianMs());
            j.put("max_ms", k.maxMs());
            j.put("budget_ms", k.budgetMs());
        }
        try {
            return m.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
