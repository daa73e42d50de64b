package haven.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `haven lab bench replication`: the replicated directory measured from outside on a lab with a replication network.
 * Throughput: dd writing 4 KB records, each synced (oflag=dsync), into the replicated directory on the primary, and
 * the same into a plain directory on the same disk. Lag: the primary's confirmation delays over that run, as its
 * status file reports them. Failovers: the lab's upload writer through the group's address while the primary is
 * powered off again and again; lost counts acknowledged uploads missing or not whole on the last primary's disk.
 */
final class ReplicationBench {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final int DD_RECORDS = 1000;
    private static final Pattern DD = Pattern.compile("(\\d+) bytes .* copied, ([0-9.]+) s");

    record Report(String mode, long records, long acked, long lost, double throughputMbS, double localMbS, double lagP50Ms,
            double lagP99Ms, List<Long> outageMs, List<String> failures) {
        long outageMedianMs() {
            return BenchReport.median(outageMs);
        }

        String json() {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.put("mode", mode);
            o.put("records", records);
            o.put("acked", acked);
            o.put("lost", lost);
            o.put("throughput_mb_s", round(throughputMbS));
            o.put("local_mb_s", round(localMbS));
            o.put("lag_p50_ms", round(lagP50Ms));
            o.put("lag_p99_ms", round(lagP99Ms));
            o.put("failovers", outageMs.size());
            o.put("outage_median_ms", outageMedianMs());
            o.putPOJO("outage_ms", outageMs);
            o.put("failed", failures.size());
            try {
                return m.writeValueAsString(o);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static double round(double v) {
            return Math.round(v * 100) / 100.0;
        }
    }

    private final Lab lab;
    private final ReplicatedFiles files;
    private final String mode;
    private final Consumer<String> say;

    ReplicationBench(Lab lab, String mode, Consumer<String> say) {
        this.lab = lab;
        this.files = new ReplicatedFiles(lab);
        this.mode = mode;
        this.say = say;
    }

    Report run(int failovers) throws IOException {
        List<String> failures = new ArrayList<>();
        int primary = files.awaitPrimary(-1, Duration.ofSeconds(60));
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            if (i != primary) files.awaitReplicaInStep(i, primary, WITHIN);
        }
        double local = ddMbS(primary, files.disk().resolve("local-bench.dat").toString());
        double replicated = ddMbS(primary, files.directory().resolve("bench.dat").toString());
        Map<String, String> status = files.status(primary);
        say.accept(String.format(Locale.ROOT, "4 KB synced records: %.2f MB/s into the replicated directory, %.2f MB/s into a plain one"
                + " (%.0f%%); confirmation delay p50 %s ms, p99 %s ms", replicated, local, 100 * replicated / local,
                status.get("lag_p50_ms"), status.get("lag_p99_ms")));
        files.inMountsOf(primary, WITHIN, "rm", "-f", files.directory().resolve("bench.dat").toString(),
                files.disk().resolve("local-bench.dat").toString());

        Faults faults = new Faults(lab);
        List<Long> outages = new ArrayList<>();
        Map<Long, Long> acked;
        try (AckedWriter writer = files.startWriter()) {
            writer.awaitAcked(20, WITHIN);
            for (int n = 1; n <= failovers; n++) {
                long before = writer.acked().size();
                Faults.Injected kill = faults.kill(primary);
                long faultWallMs = System.currentTimeMillis();
                try {
                    int next = files.awaitPrimary(primary, WITHIN);
                    writer.awaitAcked(before + 20, WITHIN);
                    long outage = writer.outageAround(faultWallMs);
                    outages.add(outage);
                    say.accept(String.format("failover %d: %s; %s primary; uploads unanswered for %d ms", n, kill.description(),
                            lab.layout().nodeName(next), outage));
                    faults.heal(primary);
                    files.awaitReplicaInStep(primary, next, WITHIN);
                    primary = next;
                } catch (LabException | AssertionError e) {
                    failures.add("failover " + n + ": " + e.getMessage());
                    faults.heal(primary);
                    primary = files.awaitPrimary(-1, WITHIN);
                }
            }
            writer.stop();
            acked = writer.acked();
        }
        long records = acked.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        long lost = files.missingOn(primary, acked.keySet()).size();
        return new Report(mode, records, acked.size(), lost, replicated, local, number(status.get("lag_p50_ms")),
                number(status.get("lag_p99_ms")), outages, failures);
    }

    /** dd of {@link #DD_RECORDS} 4 KB records, each synced, to {@code file} in node {@code node}'s mounts; MB/s. */
    private double ddMbS(int node, String file) {
        Exec.Result r = files.inMountsOf(node, Duration.ofMinutes(5), "dd", "if=/dev/zero", "of=" + file, "bs=4096",
                "count=" + DD_RECORDS, "oflag=dsync");
        Matcher m = DD.matcher(r.err() + r.out());
        if (r.code() != 0 || !m.find()) throw new LabException("dd to " + file + " failed: " + r.err() + r.out());
        return Long.parseLong(m.group(1)) / 1e6 / Double.parseDouble(m.group(2));
    }

    private static double number(String text) {
        try {
            return text == null ? -1 : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
