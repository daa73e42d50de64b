package haven.cts;

import haven.lab.Faults;
import haven.lab.LabLayout;
import haven.lab.ProbeResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Power off all but a bare majority: the service must go on. Power off one more: it must stop everywhere.
 * Bring that one back: the service must return (the old CTS's NearQuorumPoint, at the edge of quorum).
 */
record NearQuorumPoint() implements CtsStep {
    static final long RETURN_MS = 30_000;

    public String name() {
        return "NearQuorumPoint";
    }

    public String expectation() {
        return "all but a bare majority lose power: the service answers within 5 s; one more: nothing runs anywhere"
                + " within 3 s; that one boots again: the service answers within " + RETURN_MS / 1000 + " s";
    }

    public Optional<String> unfit(LabLayout layout) {
        if (layout.nodes() < 4) {
            return Optional.of("needs at least 4 members (" + layout.nodes() + " here) so that more than one node goes"
                    + " before the quorum point");
        }
        return Optional.empty();
    }

    public Outcome run(StepContext ctx) {
        List<Integer> order = new ArrayList<>(ctx.nodes(i -> true));
        Collections.shuffle(order, ctx.random());
        int majority = Fit.majority(ctx.layout());
        int down = ctx.layout().nodes() - majority;
        List<Integer> first = order.subList(0, down);
        long at = 0;
        for (int node : first) {
            at = ctx.inject(ctx.faults().kill(node)).effectiveNanos();
        }
        ProbeResult on = ctx.awaitServed(at, "powering off " + ctx.names(first));
        long ms = StepContext.msFrom(at, on);
        if (ms > FaultSteps.FAILOVER_MS) {
            throw new StepFailed("with a bare majority left the service answered only after " + ms + " ms (budget "
                    + FaultSteps.FAILOVER_MS + " ms)");
        }
        ctx.observe("bare majority " + ctx.names(order.subList(down, order.size())) + ": service " + on.detail() + " after " + ms + " ms");
        int last = order.get(down);
        ctx.inject(ctx.faults().kill(last));
        long stopped = ctx.awaitNothingAnywhere(ClusterSteps.QUORUM_LOSS_STOP, "powering off " + ctx.name(last) + " (quorum lost)");
        ctx.observe("quorum lost: nothing runs anywhere after " + stopped + " ms");
        Faults.Injected boot = ctx.inject(ctx.faults().heal(last));
        ProbeResult back = ClusterSteps.awaitColdStart(ctx, boot.effectiveNanos(), "booting " + ctx.name(last));
        long backMs = StepContext.msFrom(boot.effectiveNanos(), back);
        ctx.observe("quorum back with " + ctx.name(last) + ": service " + back.detail() + " " + backMs + " ms after its boot");
        return Outcome.measured("boot of the node restoring quorum to first answer", backMs, RETURN_MS);
    }
}
