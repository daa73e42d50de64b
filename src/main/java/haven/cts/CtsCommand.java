package haven.cts;

import haven.lab.Lab;
import haven.lab.LabException;
import haven.lab.LabLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `haven cts ...`: the Cluster Test System on a namespace lab of its own. */
@Command(name = "cts", mixinStandardHelpOptions = true, description = "Cluster Test System: random seeded fault and admin steps on a lab, each audited (needs root).",
        subcommands = {CtsCommand.Run.class})
public final class CtsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Bring up a lab, run a seeded random sequence of test steps with audits after"
            + " each, print the report, remove the lab. Exit code 0 only if every step passed.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--nodes", defaultValue = "3", description = "number of service nodes, 1..9 (default: ${DEFAULT-VALUE})")
        int nodes;

        @Option(names = "--iterations", defaultValue = "20", description = "number of steps (default: ${DEFAULT-VALUE})")
        int iterations;

        @Option(names = "--seed", description = "seed of the step choice (default: a random one, printed in the report)")
        Long seed;

        @Option(names = "--witness", description = "add a witness (votes, runs nothing) as one more lab host")
        boolean witness;

        @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON to FILE")
        Path json;

        @Option(names = "--keep", description = "leave the lab running afterwards")
        boolean keep;

        @Option(names = "--steps", split = ",", paramLabel = "KIND",
                description = "choose only among these step kinds (default: all), e.g. --steps Flip,Move")
        List<String> only;

        @Option(names = "--prefix", defaultValue = "cts", description = "names the lab's namespaces and links (default: ${DEFAULT-VALUE})")
        String prefix;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                if (iterations < 1) {
                    throw new LabException("--iterations must be at least 1");
                }
                long s = seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
                LabLayout layout = LabLayout.of(prefix, nodes, witness);
                List<StepPlan.Planned> plan = StepPlan.of(catalogue(), layout, s, iterations);
                say("seed " + s + "; plan: " + String.join(" ", plan.stream().map(p -> p.step().name()).toList()));
                CtsReport report = onOwnLab(layout, lab -> new Runner(lab, s, this::say).run(plan));
                out.print(report.text());
                if (json != null) {
                    Files.writeString(json, report.json() + "\n");
                    say("JSON report written to " + json);
                }
                return report.passed() ? 0 : 1;
            } catch (LabException e) {
                spec.commandLine().getErr().println("haven cts run: " + e.getMessage());
                return 1;
            } catch (IOException e) {
                spec.commandLine().getErr().println("haven cts run: cannot write the JSON report to " + json + ": " + e.getMessage()
                        + " (choose a writable path)");
                return 1;
            } finally {
                out.flush();
                spec.commandLine().getErr().flush();
            }
        }

        private List<CtsStep> catalogue() {
            if (only == null || only.isEmpty()) {
                return Catalogue.all();
            }
            return only.stream().map(n -> Catalogue.named(n.trim()).orElseThrow(() -> new LabException("unknown step kind '"
                    + n + "'; kinds are " + Catalogue.all().stream().map(CtsStep::name).toList()))).toList();
        }

        private void say(String line) {
            spec.commandLine().getErr().println("cts: " + line);
            spec.commandLine().getErr().flush();
        }

        /** A lab of the run's own, removed afterwards and on Ctrl-C, unless --keep. */
        private CtsReport onOwnLab(LabLayout layout, java.util.function.Function<Lab, CtsReport> body) {
            Thread cleanup = new Thread(() -> Lab.down(prefix), "cts-cleanup");
            if (!keep) {
                Runtime.getRuntime().addShutdownHook(cleanup);
            }
            try {
                return body.apply(Lab.up(layout, Lab.UP_TIMEOUT, this::say));
            } finally {
                if (!keep) {
                    Lab.down(prefix);
                    try {
                        Runtime.getRuntime().removeShutdownHook(cleanup);
                    } catch (IllegalStateException e) {
                        // shutting down already; the hook runs and down is idempotent
                    }
                }
            }
        }
    }
}
