package haven.cli;

import haven.sim.SimBatch;
import haven.sim.SimRun;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `haven sim`: the deterministic whole-cluster simulation, a batch of seeds or one seed replayed with its history. */
@Command(name = "sim", description = {"Run the whole-cluster simulation: real node logic on a simulated clock, network and agents.",
        "  haven sim --seeds 10000                       a batch (3..5 nodes and every variant, by seed)",
        "  haven sim --first S --seeds 1 --nodes K --variant V --trace   replay one seed with its history"})
public final class SimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seeds", defaultValue = "1000", description = "how many seeds (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--first", defaultValue = "1", description = "the first seed (default: ${DEFAULT-VALUE})")
    long first;

    @Option(names = "--nodes", defaultValue = "0", description = "cluster size 3..9; 0 = 3, 4 or 5 by seed (default)")
    int nodes;

    @Option(names = "--variant", description = "plain, witness, fencing, freeze, two_node (always 2 nodes) or promotable; default: each in turn by seed")
    String variant;

    @Option(names = "--threads", defaultValue = "2", description = "threads to run seeds on (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--trace", description = "print every seed's history, not only failing ones")
    boolean trace;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (seeds < 1 || (nodes != 0 && (nodes < 2 || nodes > 9)) || threads < 1) {
            err.println("haven sim: --seeds must be at least 1, --nodes 3..9 (2 with --variant two_node; 0: 3..5 by seed), --threads at least 1");
            return 2;
        }
        SimRun.Variant fixed = null;
        if (variant != null) {
            try {
                fixed = SimRun.Variant.valueOf(variant.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                err.println("haven sim: unknown --variant '" + variant + "'; use plain, witness, fencing, freeze, two_node or promotable");
                return 2;
            }
        }
        if (nodes == 2 && fixed != SimRun.Variant.TWO_NODE) {
            err.println("haven sim: --nodes 2 runs only with --variant two_node (a majority of two survives no failure)");
            return 2;
        }
        SimBatch.Summary s = SimBatch.run(first, seeds, nodes, fixed, threads, r -> {
            out.println("FAILED seed " + r.seed() + " (" + r.nodes() + " nodes, " + r.variant().word() + "): " + r.violations());
            out.println("  replay: " + r.replay());
            out.flush();
        });
        if (trace) {
            for (long seed = first; seed < first + seeds; seed++) {
                SimRun.Result r = SimRun.run(seed, SimBatch.nodesOf(seed, nodes), SimBatch.variantOf(seed, fixed));
                out.println("--- seed " + seed + " (" + r.nodes() + " nodes, " + r.variant().word() + ") " + (r.passed() ? "passed" : "FAILED"));
                r.trace().forEach(out::println);
                r.violations().forEach(v -> out.println("VIOLATION " + v));
            }
        }
        out.printf("%d seeds in %.1f s (%.0f seeds/s on %d threads): %d failed%n", s.seeds(), s.millis() / 1000.0,
                s.seedsPerSecond(), threads, s.failures().size());
        out.println("rare paths reached (seeds):");
        for (haven.sim.SimProbe p : haven.sim.SimProbe.values()) {
            out.printf("  %-62s %d%n", p.description(), s.probes().getOrDefault(p, 0));
        }
        return s.failures().isEmpty() ? 0 : 1;
    }
}
