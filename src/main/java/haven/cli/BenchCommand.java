package haven.cli;

import haven.scheduler.SchedulerBench;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `haven bench`: in-process benchmarks that need no lab (the lab's own are under `haven lab bench`). */
@Command(name = "bench", description = "Benchmarks that need no lab; failover, replication and idle cost are under `haven lab bench`.",
        subcommands = BenchCommand.Scheduler.class)
public final class BenchCommand {
    private BenchCommand() {}

    /** `haven bench scheduler`: plan times on generated clusters, one line per workload. */
    @Command(name = "scheduler", description = {"Time the scheduler on generated clusters (64 nodes): 10,000 groups without and with",
            "constraints (an order and a colocation per group on average, a location score on one in four), and 50,000 with",
            "them to show how it grows. Medians of --runs after warm-up; one line per workload."})
    public static final class Scheduler implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "one JSON object per line: groups, nodes, constraints, clones, cold_ms, steady_ms, replan_ms")
        boolean json;

        @Option(names = "--runs", defaultValue = "9", description = "timed runs per figure, after at most 5 warm-up runs (default: ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--max-groups", defaultValue = "50000", description = "skip the workloads with more groups (default: ${DEFAULT-VALUE})")
        int maxGroups;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (runs < 1 || runs > 1000) {
                spec.commandLine().getErr().println("haven bench scheduler: --runs must be 1..1000, not " + runs);
                return 2;
            }
            for (SchedulerBench.Workload w : List.of(new SchedulerBench.Workload(10_000, 64, false),
                    new SchedulerBench.Workload(10_000, 64, true), new SchedulerBench.Workload(50_000, 64, true))) {
                if (w.groups() > maxGroups) continue;
                // A daemon with 50,000 groups needs more than its default heap (the config alone is ~6 MB of YAML): say
                // so, rather than end in an OutOfMemoryError after the smaller figures.
                long heapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
                if (w.groups() > 10_000 && heapMb < 768) {
                    spec.commandLine().getErr().printf("%,d groups skipped: this JVM has a %d MB heap and the workload needs ~768 MB;"
                            + " run HAVEN_JAVA_OPTS=-Xmx1g haven bench scheduler, as a daemon of that size would be run%n", w.groups(), heapMb);
                    continue;
                }
                SchedulerBench.Result r = SchedulerBench.run(w, runs, Math.min(runs, 5));
                out.println(json ? r.json() : r.text());
                out.flush();
            }
            return 0;
        }
    }
}
