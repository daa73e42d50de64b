package haven.cts;

import haven.lab.LabLayout;
import haven.lab.ProbeResult;
import java.util.List;
import java.util.Optional;

/** Steps an administrator takes through a node's API, as the `haven` CLI does. */
final class AdminSteps {
    private AdminSteps() {}

    /** Standby of the holder, then online again (Standby). */
    record Standby() implements CtsStep {
        public String name() {
            return "Standby";
        }

        public String expectation() {
            return "the holder is put in standby through the API: the service moves off it within 5 s and the"
                    + " node keeps nothing; then it is put online again";
        }

        public Optional<String> unfit(LabLayout layout) {
            return Fit.twoServiceNodes(layout);
        }

        public Outcome run(StepContext ctx) {
            int victim = ctx.holder();
            long at = System.nanoTime();
            ctx.postAnywhere("/ha/nodes/" + ctx.name(victim) + "/standby");
            ProbeResult back = ctx.awaitServedElsewhere(victim, at, "standby of " + ctx.name(victim));
            ctx.awaitNothingOn(victim, StepContext.PATIENCE, "standby of " + ctx.name(victim));
            ctx.observe("service " + back.detail() + " " + StepContext.msFrom(at, back) + " ms after the request; "
                    + ctx.name(victim) + " runs nothing");
            ctx.postAnywhere("/ha/nodes/" + ctx.name(victim) + "/online");
            return Outcome.outage(FaultSteps.FAILOVER_MS);
        }
    }

    /** Move the group to another node, then clear the move. */
    record Move() implements CtsStep {
        public String name() {
            return "Move";
        }

        public String expectation() {
            return "the group is moved to a random other node through the API: the VIP and web server run there"
                    + " within 5 s and nowhere else; then the move is cleared";
        }

        public Optional<String> unfit(LabLayout layout) {
            return Fit.twoServiceNodes(layout);
        }

        public Outcome run(StepContext ctx) {
            int holder = ctx.holder();
            int target = ctx.pick(ctx.serviceNodes().stream().filter(n -> n != holder).toList());
            long at = System.nanoTime();
            ctx.postAnywhere("/ha/resources/site/move?node=" + ctx.name(target));
            long ms = Await.until("the VIP and web server running on " + ctx.name(target) + " alone", StepContext.PATIENCE,
                    () -> ctx.vipNodes().equals(List.of(target)) && ctx.nginxNodes().equals(List.of(target)));
            ProbeResult back = ctx.awaitServedBy(target, at, "the move to " + ctx.name(target));
            ctx.observe("moved from " + ctx.name(holder) + " to " + ctx.name(target) + ": running there after " + ms + " ms, "
                    + back.detail() + " " + StepContext.msFrom(at, back) + " ms after the request");
            ctx.postAnywhere("/ha/resources/site/clear");
            return Outcome.outage(FaultSteps.FAILOVER_MS);
        }
    }
}
