package haven.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Results of a failover benchmark: one outage per successful trial, plus failures, split brain, memory, and in
 * how many trials the faulted node's guard forced something off (its daemon did not stop in time itself).
 * {@code refusedMs}: per successful trial, how long clients were refused (see {@link Refusals}).
 */
public record BenchReport(String fault, int trials, List<Long> outageMs, List<String> failures, long splitBrainMs,
        double rssMbMax, List<Long> refusedMs, int guardActed) {

    public BenchReport {
        refusedMs = List.copyOf(refusedMs);
    }

    public long medianMs() {
        return median(outageMs);
    }

    /** The median of {@code values} (the mean of the middle two for an even count); -1 for none. */
    static long median(List<Long> values) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public long maxMs() {
        return outageMs.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    /** One JSON object; "failed" counts trials that timed out or could not start. */
    public String json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("fault", fault);
        o.put("trials", trials);
        o.putPOJO("outage_ms", outageMs);
        o.put("median_ms", medianMs());
        o.put("max_ms", maxMs());
        o.put("split_brain_ms", splitBrainMs);
        o.put("rss_mb_max", Math.round(rssMbMax * 10) / 10.0);
        o.put("failed", failures.size());
        o.putPOJO("refused_ms", refusedMs);
        o.put("refused_max_ms", refusedMs.stream().mapToLong(Long::longValue).max().orElse(0));
        o.put("guard_acted", guardActed);
        try {
            return m.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String summary() {
        return String.format(Locale.ROOT, "%s: %d trials, %d ok, %d failed; outage median %d ms, max %d ms;"
                + " split brain %d ms; daemon RSS max %.1f MB; refused for up to %d ms; guard acted in %d", fault, trials,
                outageMs.size(), failures.size(), medianMs(), maxMs(), splitBrainMs, rssMbMax,
                refusedMs.stream().mapToLong(Long::longValue).max().orElse(0), guardActed);
    }
}
