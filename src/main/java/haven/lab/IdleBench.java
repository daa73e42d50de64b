package haven.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Leaves a healthy lab alone (optionally with one core kept busy by a spinning shell) and counts what must
 * not happen while nothing fails: membership views, coordinator changes, placement changes, moments with
 * other than one VIP holder. Views are counted by every daemon itself ({@code views_seen}), so a flap
 * between two samples is not missed. And what a node costs while nothing happens: the CPU time of its daemon
 * and guard JVMs ({@link CpuMeter}) and their resident memory ({@link RssSampler}).
 */
final class IdleBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);
    /**
     * The daemons' status is asked only every fifth sample: serving it costs the daemon CPU, which the bench
     * measures too. Nothing is missed by asking less often: views are counted by the daemons themselves, and
     * a group that moves and comes back has a new generation.
     */
    private static final int STATUS_EVERY_SAMPLES = 5;

    record Report(long seconds, boolean cpuHog, int samples, long membershipChanges, int coordinatorChanges,
            int placementChanges, int samplesWithoutOneVipHolder, int unanswered, double rssMbMax,
            double cpuSecondsPerMinuteMax) {

        String json() {
            return String.format(Locale.ROOT, "{\"bench\":\"idle\",\"seconds\":%d,\"cpu_hog\":%b,\"samples\":%d,"
                    + "\"membership_changes\":%d,\"coordinator_changes\":%d,\"placement_changes\":%d,"
                    + "\"samples_without_one_vip_holder\":%d,\"unanswered_status\":%d,\"rss_mb_max\":%.1f,\"cpu_s_per_min_max\":%.2f}",
                    seconds, cpuHog, samples, membershipChanges, coordinatorChanges, placementChanges,
                    samplesWithoutOneVipHolder, unanswered, rssMbMax, cpuSecondsPerMinuteMax);
        }

        boolean quiet() {
            return membershipChanges == 0 && coordinatorChanges == 0 && placementChanges == 0
                    && samplesWithoutOneVipHolder == 0;
        }
    }

    private final Lab lab;
    private final Consumer<String> narrate;

    IdleBench(Lab lab, Consumer<String> narrate) {
        this.lab = lab;
        this.narrate = narrate;
    }

    Report run(Duration length, boolean cpuHog) throws InterruptedException {
        lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(2)).forEach(w -> narrate.accept("warning: " + w));
        LabLayout layout = lab.layout();
        Process hog = cpuHog ? startHog(length) : null;
        Map<Integer, Long> firstViews = new HashMap<>();
        Map<Integer, Long> lastViews = new HashMap<>();
        String coordinator = null;
        String placement = null;
        int samples = 0, coordinatorChanges = 0, placementChanges = 0, badVip = 0, unanswered = 0;
        try (RssSampler rss = RssSampler.start(() -> lab.cluster().livePids())) {
            // Starts after the lab settled: JIT and class loading of start-up are not what idle costs.
            CpuMeter cpu = new CpuMeter(() -> daemonPids(layout));
            long end = System.nanoTime() + length.toNanos();
            while (System.nanoTime() < end) {
                samples++;
                for (int i = 1; i <= layout.nodes() && (samples - 1) % STATUS_EVERY_SAMPLES == 0; i++) {
                    var reply = Http.get(layout.nodeNamespace(i), "http://127.0.0.1:7480/ha/status", Duration.ofSeconds(2));
                    if (reply.isEmpty() || !reply.get().ok()) {
                        unanswered++;
                        continue;
                    }
                    JsonNode s = JSON.readTree(reply.get().body());
                    long views = s.path("views_seen").asLong();
                    firstViews.putIfAbsent(i, views);
                    lastViews.put(i, views);
                    if (i == 1) {
                        String c = s.path("coordinator").asText("");
                        String p = placementOf(s);
                        if (coordinator != null && !coordinator.equals(c)) coordinatorChanges++;
                        if (placement != null && !placement.equals(p)) placementChanges++;
                        coordinator = c;
                        placement = p;
                    }
                }
                if (lab.cluster().vipHolders().size() != 1) badVip++;
                cpu.sample();
                if (samples % 60 == 0) {
                    narrate.accept(String.format("%d s: views %s, coordinator %s, placement %s, CPU s/min per node %s",
                            samples, lastViews, coordinator, placement, rounded(cpu.perMinute())));
                }
                Thread.sleep(SAMPLE_EVERY);
            }
            long membership = 0;
            for (var e : lastViews.entrySet()) membership += e.getValue() - firstViews.get(e.getKey());
            Map<Integer, Double> perNode = cpu.perMinute();
            narrate.accept("CPU seconds a minute per node (daemon + guard): " + rounded(perNode));
            double cpuMax = perNode.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            return new Report(length.toSeconds(), cpuHog, samples, membership, coordinatorChanges, placementChanges, badVip,
                    unanswered, rss.maxMb(), cpuMax);
        } catch (java.io.IOException e) {
            throw new LabException("a node's /ha/status was not JSON: " + e.getMessage());
        } finally {
            if (hog != null) {
                hog.destroy(); // SIGTERM: timeout passes it on to the spinning shell
                hog.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    private Map<Integer, Long> daemonPids(LabLayout layout) {
        Map<Integer, Long> pids = new HashMap<>();
        for (int i = 1; i <= layout.nodes(); i++) {
            int node = i;
            lab.cluster().pid(i).ifPresent(pid -> pids.put(node, pid));
        }
        return pids;
    }

    private static Map<String, String> rounded(Map<Integer, Double> perNode) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        perNode.forEach((node, s) -> out.put("n" + node, String.format(Locale.ROOT, "%.2f", s)));
        return out;
    }

    private static String placementOf(JsonNode s) {
        List<String> parts = new ArrayList<>();
        s.path("groups").forEach(g -> parts.add(g.path("name").asText() + "@" + g.path("node").asText("-")
                + "#" + g.path("generation").asLong()));
        return String.join(",", parts);
    }

    /** A busy loop on the host, bounded by `timeout` even if this JVM dies, killed by PID when done. */
    private static Process startHog(Duration length) {
        try {
            long seconds = length.toSeconds() + 10;
            return new ProcessBuilder("timeout", Long.toString(seconds), "sh", "-c", "while :; do :; done")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            throw new LabException("cannot start the CPU hog: " + e.getMessage());
        }
    }
}
