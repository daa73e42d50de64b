package haven.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A batch of seeds: seed s runs with {@code nodes} nodes (or 3..5 by seed when 0) and the given variant (or
 * all variants in turn when null), on {@code threads} threads. Collects failures and the rare paths reached.
 */
public final class SimBatch {
    public record Summary(int seeds, long millis, List<SimRun.Result> failures, Map<SimProbe, Integer> probes) {
        public double seedsPerSecond() {
            return millis == 0 ? seeds : seeds * 1000.0 / millis;
        }

        public List<SimProbe> probesMissed() {
            return java.util.Arrays.stream(SimProbe.values()).filter(p -> probes.getOrDefault(p, 0) == 0).toList();
        }
    }

    private SimBatch() {}

    /**
     * A sixth of the seeds run the promotable variant; every other seed keeps the variant it had before that
     * variant existed (one of the first five in turn), so a seed reported before still names the same run.
     */
    public static SimRun.Variant variantOf(long seed, SimRun.Variant fixed) {
        if (fixed != null) return fixed;
        if (Math.floorMod(seed, 6L) == 5) return SimRun.Variant.PROMOTABLE;
        return SimRun.Variant.values()[(int) Math.floorMod(seed, 5L)];
    }

    public static int nodesOf(long seed, int fixed) {
        return fixed != 0 ? fixed : 3 + (int) Math.floorMod(seed / 3, 3L);
    }

    public static Summary run(long first, int seeds, int nodes, SimRun.Variant variant, int threads, Consumer<SimRun.Result> onFailure) {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<SimRun.Result>> results = new ArrayList<>();
            for (long s = first; s < first + seeds; s++) {
                long seed = s;
                results.add(pool.submit(() -> SimRun.run(seed, nodesOf(seed, nodes), variantOf(seed, variant))));
            }
            List<SimRun.Result> failures = new ArrayList<>();
            Map<SimProbe, Integer> probes = new java.util.EnumMap<>(SimProbe.class);
            for (Future<SimRun.Result> f : results) {
                SimRun.Result r = f.get();
                r.probesReached().forEach(p -> probes.merge(p, 1, Integer::sum));
                if (!r.passed()) {
                    failures.add(r);
                    onFailure.accept(r);
                }
            }
            return new Summary(seeds, (System.nanoTime() - start) / 1_000_000, failures, probes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("simulation batch interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a simulated seed threw (a bug in the node logic or the simulator): " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
