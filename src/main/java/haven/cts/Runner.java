package haven.cts;

import haven.lab.Faults;
import haven.lab.HavenRuntime;
import haven.lab.Lab;
import haven.lab.LabException;
import haven.lab.ProberProcess;
import haven.lab.VipWatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a step plan on a lab: per iteration a settled cluster, a fresh prober, the step, a heal of every
 * node, a settle, the audits. A cluster that does not settle stops the run: the next step would test the
 * previous one's wreckage. Daemon logs are copied out of the lab for every failed step.
 */
public final class Runner {
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STABLE_FOR = Duration.ofSeconds(1);

    private final Lab lab;
    private final long seed;
    private final Consumer<String> narrate;
    private final Auditor auditor;

    public Runner(Lab lab, long seed, Consumer<String> narrate) {
        this.lab = lab;
        this.seed = seed;
        this.narrate = narrate;
        this.auditor = new Auditor(lab);
    }

    public CtsReport run(List<StepPlan.Planned> plan) {
        long start = System.nanoTime();
        List<StepRecord> records = new ArrayList<>();
        String stopped = "";
        try (VipWatch watch = VipWatch.start(lab.layout())) {
            Faults faults = new Faults(lab, watch::pids);
            try {
                lab.cluster().awaitSettled(SETTLE_TIMEOUT, STABLE_FOR);
            } catch (LabException e) {
                stopped = "the cluster did not settle before the first step: " + firstLine(e) + "; logs kept in " + keepLogs(0);
            }
            for (StepPlan.Planned p : plan) {
                if (!stopped.isEmpty()) {
                    break;
                }
                if (p.skipped().isPresent()) {
                    records.add(StepRecord.skipped(p.iteration(), p.step().name(), p.skipped().get()));
                    narrate.accept(p.iteration() + "/" + plan.size() + " " + p.step().name() + ": SKIP (" + p.skipped().get() + ")");
                    continue;
                }
                Iteration it = iteration(p, watch, faults);
                records.add(it.record());
                narrate.accept(p.iteration() + "/" + plan.size() + " " + it.record().step() + ": " + it.record().status()
                        + " (" + it.record().measure() + " " + it.record().measuredMs() + " ms, budget " + it.record().budgetMs()
                        + " ms)" + (it.record().problems().isEmpty() ? "" : " " + it.record().problems()));
                stopped = it.stopped();
            }
        }
        return new CtsReport(seed, lab.layout().nodes(), lab.layout().witness(), plan.size(), records,
                (System.nanoTime() - start) / 1_000_000, stopped);
    }

    private record Iteration(StepRecord record, String stopped) {}

    private Iteration iteration(StepPlan.Planned p, VipWatch watch, Faults faults) {
        CtsStep step = p.step();
        long start = System.nanoTime();
        List<String> problems = new ArrayList<>();
        String stopped = "";
        CtsStep.Outcome outcome = CtsStep.Outcome.outage(0);
        StepContext ctx;
        try (ProberProcess prober = ProberProcess.start(lab.layout(), HavenRuntime.current())) {
            ctx = new StepContext(lab, faults, watch, prober, p.random());
            long splitBefore = watch.splitBrainNanos();
            if (prober.awaitGoodAnswer(System.nanoTime(), Duration.ofSeconds(10)).isEmpty()) {
                problems.add("the service did not answer the prober before the step");
            } else {
                try {
                    outcome = step.run(ctx);
                } catch (StepFailed | LabException e) {
                    problems.add(e.getMessage());
                } catch (RuntimeException e) {
                    // A bug of the step itself: report it as this step's failure rather than end the whole run.
                    problems.add("the step broke: " + e);
                }
            }
            try {
                heal(ctx, faults, !problems.isEmpty());
                lab.cluster().awaitSettled(SETTLE_TIMEOUT, STABLE_FOR).forEach(w -> ctx.observe("warning: " + w));
                problems.addAll(auditor.audit(ctx, prober));
            } catch (LabException | StepFailed e) {
                problems.add("after healing: " + e.getMessage());
                stopped = "iteration " + p.iteration() + " (" + step.name() + ") left a cluster that does not settle: " + firstLine(e);
            }
            long split = (watch.splitBrainNanos() - splitBefore) / 1_000_000;
            if (split > 0) {
                problems.add("two namespaces held the VIP at once for " + split + " ms");
            }
            long measured = outcome.measuredMs() >= 0 ? outcome.measuredMs()
                    : Outage.longestMs(prober.results(), start, System.nanoTime());
            if (problems.isEmpty() && measured > outcome.budgetMs()) {
                problems.add(outcome.measure() + " was " + measured + " ms, over its budget of " + outcome.budgetMs() + " ms");
            }
            String logs = problems.isEmpty() ? "" : keepLogs(p.iteration()).toString();
            StepRecord record = new StepRecord(p.iteration(), step.name(),
                    problems.isEmpty() ? StepRecord.Status.PASS : StepRecord.Status.FAIL, step.expectation(),
                    List.copyOf(ctx.injected()), List.copyOf(ctx.observed()), outcome.measure(), measured,
                    outcome.budgetMs(), (System.nanoTime() - start) / 1_000_000, List.copyOf(problems), logs);
            return new Iteration(record, stopped);
        }
    }

    /**
     * Undoes every fault on every node (a no-op on a healthy one). After a failed step also undoes what its
     * admin actions may have left: a node in standby, a move, counted failures.
     */
    private void heal(StepContext ctx, Faults faults, boolean failed) {
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            faults.heal(i);
        }
        if (failed) {
            // Best effort: the settle that follows is the real check.
            try {
                Await.until("a node's API answering", Duration.ofSeconds(30),
                        () -> ctx.nodes(i -> lab.cluster().status(i).isPresent()).size() > 0);
                for (int i : ctx.serviceNodes()) {
                    ctx.postAnywhere("/ha/nodes/" + ctx.name(i) + "/online");
                }
                ctx.postAnywhere("/ha/resources/site/clear");
                ctx.postAnywhere("/ha/resources/site/cleanup");
            } catch (StepFailed e) {
                ctx.observe("could not undo admin actions: " + e.getMessage());
            }
        }
    }

    /** Copies the daemons' logs out of the lab folder (removed with the lab) for the post-mortem. */
    private Path keepLogs(int iteration) {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "haven-cts-failures",
                lab.layout().prefix() + "-" + System.currentTimeMillis() + "-seed" + seed + "-step" + iteration);
        lab.cluster().state().copyLogs(target);
        return target;
    }

    private static String firstLine(Exception e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("?");
    }
}
