package haven.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulation batch CI runs: {@code haven.sim.batch} seeds (10,000 by default) over 3 to 5 nodes and
 * every variant, each with a fault mix of its own. A failure prints the seed, the command that replays it
 * and its history. The batch must also reach every rare path it is meant to exercise.
 */
class SimBatchTest {
    /** Deterministic: when surefire reruns a failed test, the batch is not run again (minutes) for the same answer. */
    private static SimBatch.Summary batch;

    private static synchronized SimBatch.Summary batch(int seeds) {
        if (batch == null) batch = SimBatch.run(1, seeds, 0, null, 2, r -> { });
        return batch;
    }

    @Test
    void everySeedKeepsEveryResourceOnAtMostOneNodeAndRecoversAndTheBatchReachesEveryRarePath() {
        int seeds = Integer.getInteger("haven.sim.batch", 10_000);
        SimBatch.Summary s = batch(seeds);
        System.out.printf("simulation: %d seeds in %.1f s (%.0f seeds/s on 2 threads); rare paths %s%n", s.seeds(), s.millis() / 1000.0,
                s.seedsPerSecond(), s.probes());
        if (!s.failures().isEmpty()) {
            SimRun.Result first = s.failures().get(0);
            assertThat(s.failures()).as("%d failing seeds; first: seed %d (%d nodes, %s), replay: %s%n%s%n%s", s.failures().size(),
                    first.seed(), first.nodes(), first.variant().word(), first.replay(), first.violations(),
                    String.join("\n", first.trace())).isEmpty();
        }
        if (seeds >= 1_000) {
            assertThat(s.probesMissed()).as("rare paths no seed reached").isEmpty();
        }
    }

    @Test
    void seedsThatOnceFailedPassNow() throws IOException {
        for (String line : keptSeeds()) {
            String[] f = line.split("\\s+");
            SimRun.Result r = SimRun.run(Long.parseLong(f[0]), Integer.parseInt(f[1]), SimRun.Variant.valueOf(f[2].toUpperCase()));
            assertThat(r.violations()).as("kept seed %s: %s%n%s", line, r.replay(), String.join("\n", r.trace())).isEmpty();
        }
    }

    /**
     * Proof that each safety rule matters: break it on purpose and, in the variant where it applies, some
     * seed within 2,000 must break safety (two active, an action without quorum, a lost change), not merely
     * stall. Prints each mutation with the seed that caught it.
     */
    @Test
    void everyBrokenSafetyRuleIsCaughtAsASafetyViolation() {
        for (Mutation m : Mutation.values()) {
            if (m == Mutation.NONE) continue;
            long found = -1;
            SimRun.Result caught = null;
            for (long seed = 1; seed <= 2_000 && found < 0; seed++) {
                SimRun.Result r = SimRun.run(seed, SimBatch.nodesOf(seed, 0), m.variant(), m);
                if (!r.safetyViolations().isEmpty()) {
                    found = seed;
                    caught = r;
                }
            }
            System.out.println("mutation " + m + " (" + m.variant().word() + "): first safety violation at seed " + found
                    + (caught == null ? "" : ": " + caught.safetyViolations().get(0)));
            assertThat(found).as("a safety violation found with " + m + " in variant " + m.variant().word()).isPositive();
        }
    }

    @Test
    void aSeedReplaysTheSameHistory() {
        SimRun.Result a = SimRun.run(4242, 4, SimRun.Variant.FENCING);
        SimRun.Result b = SimRun.run(4242, 4, SimRun.Variant.FENCING);
        assertThat(a.trace()).isEqualTo(b.trace());
        assertThat(a.trace().get(0)).startsWith("0 fault mix ");
    }

    private static List<String> keptSeeds() throws IOException {
        try (InputStream in = SimBatchTest.class.getResourceAsStream("/sim/failed-seeds.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
        }
    }
}
