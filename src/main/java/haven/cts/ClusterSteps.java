package haven.cts;

import haven.lab.LabLayout;
import haven.lab.ProbeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Steps that stop and start the whole cluster, all at once or one node at a time. */
final class ClusterSteps {
    /** A cold start: JVMs boot, join, elect, and wait for every node or twice the join timeout before placing. */
    static final long COLD_START_MS = 30_000;
    static final Duration COLD_PATIENCE = Duration.ofSeconds(60);
    /** A node left without a majority stops its services within its lease; this leaves room for the stop itself. */
    static final Duration QUORUM_LOSS_STOP = Duration.ofSeconds(3);
    static final long ORDERLY_STOP_MS = 15_000;

    private ClusterSteps() {}

    /** Every member in a random order of the step's Random. */
    static List<Integer> shuffled(StepContext ctx) {
        List<Integer> order = new ArrayList<>(ctx.nodes(i -> true));
        Collections.shuffle(order, ctx.random());
        return order;
    }

    /** After every daemon stopped: no VIP, no web server, no process of the cluster left in any namespace. */
    static void expectNothingLeft(StepContext ctx, String after) {
        ctx.awaitNothingAnywhere(Duration.ofSeconds(5), after);
        for (int i = 1; i <= ctx.layout().nodes(); i++) {
            int node = i;
            try {
                Await.until("the processes in " + ctx.name(node) + "'s namespace ending", Duration.ofSeconds(5),
                        () -> ctx.leftovers(node).isEmpty());
            } catch (StepFailed e) {
                throw new StepFailed("after " + after + ", processes " + ctx.leftovers(node) + " are still running in "
                        + ctx.layout().nodeNamespace(node));
            }
        }
    }

    /** SIGTERM to every daemon at once; all must stop their services and exit (SimulStop). */
    record SimulStop() implements CtsStep {
        public String name() {
            return "SimulStop";
        }

        public String expectation() {
            return "every daemon gets SIGTERM at once: all exit within 15 s leaving no VIP, web server or other"
                    + " process behind; then all start again";
        }

        public Outcome run(StepContext ctx) {
            long start = System.nanoTime();
            ctx.injected("SIGTERM to all " + ctx.layout().nodes() + " daemons at once");
            ctx.stopAll();
            expectNothingLeft(ctx, "stopping every daemon");
            long ms = Await.msSince(start);
            ctx.observe("all daemons gone and nothing left running " + ms + " ms after SIGTERM");
            return Outcome.measured("SIGTERM to everything stopped", ms, ORDERLY_STOP_MS);
        }
    }

    /** The whole cluster stopped, then started at once (SimulStart). */
    record SimulStart() implements CtsStep {
        public String name() {
            return "SimulStart";
        }

        public String expectation() {
            return "the whole cluster is stopped, then every daemon starts at once: the service answers within "
                    + COLD_START_MS / 1000 + " s";
        }

        public Outcome run(StepContext ctx) {
            ctx.injected("SIGTERM to all daemons");
            ctx.stopAll();
            expectNothingLeft(ctx, "stopping every daemon");
            long start = System.nanoTime();
            for (int i = 1; i <= ctx.layout().nodes(); i++) {
                ctx.startDaemon(i);
            }
            ctx.injected("started all " + ctx.layout().nodes() + " daemons at once");
            ProbeResult back = awaitColdStart(ctx, start, "starting every daemon");
            long ms = StepContext.msFrom(start, back);
            ctx.observe("service " + back.detail() + " " + ms + " ms after the start");
            return Outcome.measured("start to first answer", ms, COLD_START_MS);
        }
    }

    static ProbeResult awaitColdStart(StepContext ctx, long sinceNanos, String after) {
        long deadline = System.nanoTime() + COLD_PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProbeResult> r = ctx.firstGoodAnswer(sinceNanos);
            if (r.isPresent()) {
                return r.get();
            }
            Await.sleep(50);
        }
        throw new StepFailed("no answer within " + COLD_PATIENCE.toSeconds() + " s after " + after);
    }

    /**
     * Nodes stop one at a time (StopOnebyOne): while a majority runs the service answers; once it is gone
     * nothing runs anywhere; at the end nothing is left at all.
     */
    record StopOneByOne() implements CtsStep {
        public String name() {
            return "StopOnebyOne";
        }

        public String expectation() {
            return "daemons stop (SIGTERM) one at a time: while a majority runs, the service answers within 5 s of"
                    + " each stop; without a majority nothing runs within 3 s; at the end nothing is left";
        }

        public Outcome run(StepContext ctx) {
            int running = ctx.layout().nodes();
            long worst = 0;
            for (int node : shuffled(ctx)) {
                boolean held = ctx.vipNodes().contains(node);
                long at = System.nanoTime();
                ctx.stopDaemon(node);
                running--;
                ctx.injected("stopped " + ctx.name(node) + (held ? ", the holder" : "") + " (" + running + " running)");
                if (running >= Fit.majority(ctx.layout()) && !ctx.serviceNodes().stream().allMatch(n -> ctx.lab().cluster().pid(n).isEmpty())) {
                    ProbeResult back = held ? ctx.awaitServedElsewhere(node, at, "stopping " + ctx.name(node))
                            : ctx.awaitServed(at, "stopping " + ctx.name(node));
                    worst = Math.max(worst, StepContext.msFrom(at, back));
                    ctx.observe("after " + ctx.name(node) + ": " + back.detail());
                } else if (running > 0) {
                    long ms = ctx.awaitNothingAnywhere(QUORUM_LOSS_STOP, "the majority ended with " + ctx.name(node));
                    ctx.observe("after " + ctx.name(node) + ": no majority, nothing runs (" + ms + " ms)");
                }
            }
            expectNothingLeft(ctx, "stopping every daemon");
            ctx.observe("nothing left running");
            return Outcome.measured("longest wait for an answer after a stop while a majority ran", worst, FaultSteps.FAILOVER_MS);
        }
    }

    /**
     * The cluster stopped, then started one node at a time (StartOnebyOne): nothing runs before a majority;
     * the service answers once a majority runs.
     */
    record StartOneByOne() implements CtsStep {
        public String name() {
            return "StartOnebyOne";
        }

        public String expectation() {
            return "the whole cluster is stopped, then daemons start one at a time: nothing runs before a majority"
                    + " is up, the service answers within " + COLD_START_MS / 1000 + " s of the majority's last node";
        }

        public Outcome run(StepContext ctx) {
            ctx.injected("SIGTERM to all daemons");
            ctx.stopAll();
            expectNothingLeft(ctx, "stopping every daemon");
            int started = 0;
            long ms = -1;
            for (int node : shuffled(ctx)) {
                long at = System.nanoTime();
                ctx.startDaemon(node);
                started++;
                ctx.injected("started " + ctx.name(node));
                long up = ctx.awaitApi(node);
                if (started < Fit.majority(ctx.layout())) {
                    Await.sleep(500);
                    if (!ctx.vipNodes().isEmpty() || !ctx.nginxNodes().isEmpty()) {
                        throw new StepFailed("with only " + started + " of " + ctx.layout().nodes() + " daemons up, the VIP is on "
                                + ctx.names(ctx.vipNodes()) + " and a web server runs on " + ctx.names(ctx.nginxNodes()));
                    }
                    ctx.observe(ctx.name(node) + " up after " + up + " ms, no majority, nothing runs");
                } else if (ms < 0 && !ctx.serviceNodes().stream().allMatch(n -> ctx.lab().cluster().pid(n).isEmpty())) {
                    ProbeResult back = awaitColdStart(ctx, at, "starting " + ctx.name(node));
                    ms = StepContext.msFrom(at, back);
                    ctx.observe(ctx.name(node) + " made a majority: service " + back.detail() + " " + ms + " ms after its start");
                }
            }
            return Outcome.measured("start of the majority's last node to first answer", Math.max(ms, 0), COLD_START_MS);
        }
    }

    /** Each node in turn stopped and started again, the cluster settling in between (RestartOnebyOne). */
    record RestartOneByOne() implements CtsStep {
        public String name() {
            return "RestartOnebyOne";
        }

        public String expectation() {
            return "each daemon in turn is stopped (SIGTERM) and started, the cluster settling in between: the"
                    + " client never waits more than 5 s";
        }

        public Optional<String> unfit(LabLayout layout) {
            return Fit.survivesOneLoss(layout);
        }

        public Outcome run(StepContext ctx) {
            for (int node : shuffled(ctx)) {
                ctx.stopDaemon(node);
                ctx.startDaemon(node);
                ctx.injected("restarted " + ctx.name(node));
                ctx.lab().cluster().awaitSettled(Runner.SETTLE_TIMEOUT, Duration.ofSeconds(1));
            }
            ctx.observe("settled after every restart; VIP on " + ctx.names(ctx.vipNodes()));
            return Outcome.outage(FaultSteps.FAILOVER_MS);
        }
    }
}
