package haven.cts;

import haven.lab.Faults;
import haven.lab.LabLayout;
import haven.lab.ProbeResult;
import java.time.Duration;
import java.util.Optional;

/** Steps that fault one node: its link, its power, its daemon or its service. */
final class FaultSteps {
    /** A failover seen by a client: detection, view confirmation, lease and margin, start. Measured ~1-1.5 s here. */
    static final long FAILOVER_MS = 5_000;
    /** A cut-off or orphaned holder must drop the VIP within its lease (0.4 s) plus the guard's reaction. */
    static final Duration LET_GO = Duration.ofMillis(1_500);

    private FaultSteps() {}

    /** Isolate a random node for a while and heal it (the old CTS's Flip). */
    record Flip() implements CtsStep {
        public String name() {
            return "Flip";
        }

        public String expectation() {
            return "a random node is cut off for 2 s and healed: the holder's service moves within 5 s; cutting off"
                    + " any other node must not disturb the service at all";
        }

        public Optional<String> unfit(LabLayout layout) {
            return Fit.survivesOneLoss(layout);
        }

        public Outcome run(StepContext ctx) {
            int holder = ctx.holder();
            int victim = ctx.pick(ctx.nodes(i -> true));
            Faults.Injected cut = ctx.inject(ctx.faults().isolate(victim));
            if (victim == holder) {
                ProbeResult back = ctx.awaitServedElsewhere(victim, cut.effectiveNanos(), "isolating " + ctx.name(victim));
                ctx.observe("service " + back.detail() + " " + StepContext.msFrom(cut.effectiveNanos(), back) + " ms after the cut");
            } else {
                Await.sleep(2_000);
                ctx.observe("VIP stayed on " + ctx.names(ctx.vipNodes()));
            }
            ctx.inject(ctx.faults().heal(victim));
            return Outcome.outage(victim == holder ? FAILOVER_MS : 0);
        }
    }

    /** Power loss of a random node and its return (the old CTS's Restart). */
    record Restart() implements CtsStep {
        public String name() {
            return "Restart";
        }

        public String expectation() {
            return "a random node loses power and boots again: the holder's service moves within 5 s; any other"
                    + " node's loss and return must not disturb the service";
        }

        public Optional<String> unfit(LabLayout layout) {
            return Fit.survivesOneLoss(layout);
        }

        public Outcome run(StepContext ctx) {
            int holder = ctx.holder();
            int victim = ctx.pick(ctx.nodes(i -> true));
            Faults.Injected kill = ctx.inject(ctx.faults().kill(victim));
            if (victim == holder) {
                ProbeResult back = ctx.awaitServedElsewhere(victim, kill.effectiveNanos(), "power loss of " + ctx.name(victim));
                ctx.observe("service " + back.detail() + " " + StepContext.msFrom(kill.effectiveNanos(), back) + " ms after the power loss");
            } else {
                Await.sleep(1_000);
                ctx.observe("VIP stayed on " + ctx.names(ctx.vipNodes()));
            }
            ctx.inject(ctx.faults().heal(victim));
            return Outcome.outage(victim == holder ? FAILOVER_MS : 0);
        }
    }

    /** Power loss of the holder; the number that matters is how fast the service is back (Fastdetection). */
    record FastDetection() implements CtsStep {
        static final long BUDGET_MS = 1_500;

        public String name() {
            return "Fastdetection";
        }

        public String expectation() {
            return "the holder loses power: a request sent after the loss is answered by another node within "
                    + BUDGET_MS + " ms";
        }

        public Optional<String> unfit(LabLayout layout) {
            return Fit.survivesOneLoss(layout);
        }

        public Outcome run(StepContext ctx) {
            int victim = ctx.holder();
            Faults.Injected kill = ctx.inject(ctx.faults().kill(victim));
            ProbeResult back = ctx.awaitServedElsewhere(victim, kill.effectiveNanos(), "power loss of " + ctx.name(victim));
            long ms = StepContext.msFrom(kill.effectiveNanos(), back);
            ctx.observe("service " + back.detail() + " " + ms + " ms after the power loss");
            ctx.inject(ctx.faults().heal(victim));
            return Outcome.measured("power loss to first answer from another node", ms, BUDGET_MS);
        }
    }

    /** Cut the holder off: it must let go by itself while the majority takes over (SplitBrain). */
    record SplitBrain() implements CtsStep {
        public String name() {
            return "SplitBrain";
        }

        public String expectation() {
            return "the holder is cut off but keeps running: it drops the VIP and stops the web server within "
                    + LET_GO.toMillis() + " ms, another node serves within 5 s, never two holders";
        }

        public Optional<String> unfit(LabLayout layout) {
            return Fit.survivesOneLoss(layout);
        }

        public Outcome run(StepContext ctx) {
            int victim = ctx.holder();
            Faults.Injected cut = ctx.inject(ctx.faults().isolate(victim));
            long gone = ctx.awaitNothingOn(victim, LET_GO, "cutting off " + ctx.name(victim));
            if (ctx.lab().cluster().pid(victim).isEmpty()) {
                throw new StepFailed("the daemon of the cut-off " + ctx.name(victim) + " exited; it should keep running");
            }
            ProbeResult back = ctx.awaitServedElsewhere(victim, cut.effectiveNanos(), "cutting off " + ctx.name(victim));
            ctx.observe(ctx.name(victim) + " let go within " + gone + " ms; service " + back.detail() + " "
                    + StepContext.msFrom(cut.effectiveNanos(), back) + " ms after the cut");
            ctx.inject(ctx.faults().heal(victim));
            return Outcome.outage(FAILOVER_MS);
        }
    }

    /** SIGKILL to the holder's daemon alone: its guard must end what it ran, then the service moves (ComponentFail). */
    record ComponentFail() implements CtsStep {
        public String name() {
            return "ComponentFail";
        }

        public String expectation() {
            return "the holder's daemon dies (SIGKILL) and leaves its services: the guard removes the VIP and kills"
                    + " the web server within " + LET_GO.toMillis() + " ms, another node serves within 5 s";
        }

        public Optional<String> unfit(LabLayout layout) {
            return Fit.survivesOneLoss(layout);
        }

        public Outcome run(StepContext ctx) {
            int victim = ctx.holder();
            Faults.Injected kill = ctx.inject(ctx.faults().killDaemon(victim));
            long gone = ctx.awaitNothingOn(victim, LET_GO, "killing the daemon of " + ctx.name(victim));
            ProbeResult back = ctx.awaitServedElsewhere(victim, kill.effectiveNanos(), "killing the daemon of " + ctx.name(victim));
            ctx.observe("guard ended " + ctx.name(victim) + "'s services within " + gone + " ms; service " + back.detail()
                    + " " + StepContext.msFrom(kill.effectiveNanos(), back) + " ms after the kill");
            ctx.inject(ctx.faults().heal(victim));
            return Outcome.outage(FAILOVER_MS);
        }
    }

    /** SIGSTOP to the holder's daemon, later SIGCONT: a hung node (pause/resume). */
    record Pause() implements CtsStep {
        public String name() {
            return "Pause";
        }

        public String expectation() {
            return "the holder's daemon freezes (SIGSTOP): its guard ends its services within " + LET_GO.toMillis()
                    + " ms, another node serves within 5 s; resumed, it rejoins without a second holder";
        }

        public Optional<String> unfit(LabLayout layout) {
            return Fit.survivesOneLoss(layout);
        }

        public Outcome run(StepContext ctx) {
            int victim = ctx.holder();
            Faults.Injected stop = ctx.inject(ctx.faults().pause(victim));
            long gone = ctx.awaitNothingOn(victim, LET_GO, "freezing the daemon of " + ctx.name(victim));
            ProbeResult back = ctx.awaitServedElsewhere(victim, stop.effectiveNanos(), "freezing the daemon of " + ctx.name(victim));
            ctx.observe("guard ended " + ctx.name(victim) + "'s services within " + gone + " ms; service " + back.detail()
                    + " " + StepContext.msFrom(stop.effectiveNanos(), back) + " ms after the freeze");
            ctx.inject(ctx.faults().resume(victim));
            return Outcome.outage(FAILOVER_MS);
        }
    }

    /** SIGKILL to the web server: it is restarted in place, the VIP never moves (ResourceRecover). */
    record ResourceRecover() implements CtsStep {
        public String name() {
            return "ResourceRecover";
        }

        public String expectation() {
            return "the holder's web server is killed: it is restarted on the same node within 5 s and the VIP stays";
        }

        public Outcome run(StepContext ctx) {
            int holder = ctx.holder();
            Faults.Injected kill = ctx.inject(ctx.faults().killService(holder));
            ProbeResult back = ctx.awaitServed(kill.effectiveNanos(), "killing the web server on " + ctx.name(holder));
            if (!back.detail().equals("served by " + ctx.name(holder))) {
                throw new StepFailed("expected a restart in place on " + ctx.name(holder) + ", but the service came back "
                        + back.detail());
            }
            ctx.observe("restarted in place, " + back.detail() + " " + StepContext.msFrom(kill.effectiveNanos(), back)
                    + " ms after the kill; VIP on " + ctx.names(ctx.vipNodes()));
            // Each kill counts as a failure on that node; forget it, or a later step would find the node banned.
            ctx.postAnywhere("/ha/resources/site/cleanup");
            return Outcome.outage(FAILOVER_MS);
        }
    }
}
