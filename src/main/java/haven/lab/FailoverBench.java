package haven.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Measures failover as a client sees it. Per trial: a settled cluster; a prober in the client namespace
 * asking http://VIP/ every 10 ms; one fault on the node that holds the VIP; the outage is the time from the
 * fault taking effect to the first good answer to a request sent after it. Meanwhile every node namespace
 * is watched for the VIP (split brain) and the daemons' memory is sampled. Between trials the fault is healed
 * and the cluster must settle again (all nodes members, service answering, one VIP holder).
 */
public final class FailoverBench {
    public static final Duration TRIAL_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
    private static final Refusals NONE = new Refusals(0, 0);

    private final Lab lab;
    private final Faults.Kind fault;
    private final Consumer<String> narrate;

    public FailoverBench(Lab lab, Faults.Kind fault, Consumer<String> narrate) {
        this.lab = lab;
        this.fault = fault;
        this.narrate = narrate;
    }

    /** One trial's outcome: the outage, or why it failed; whether the victim's guard forced something off. */
    public record Trial(int number, String victim, Optional<Long> outageMs, Refusals refused, String detail,
            boolean guardActed) {
        Trial(int number, String victim, Optional<Long> outageMs, Refusals refused, String detail) {
            this(number, victim, outageMs, refused, detail, false);
        }
    }

    public BenchReport run(int trials) {
        List<Long> outages = new ArrayList<>();
        List<Long> refused = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int guardActed = 0;
        LabCluster cluster = lab.cluster();
        try (VipWatch watch = VipWatch.start(lab.layout());
                RssSampler rss = RssSampler.start(cluster::livePids)) {
            Faults faults = new Faults(lab, watch::pids);
            for (int t = 1; t <= trials; t++) {
                try {
                    cluster.awaitSettled(SETTLE_TIMEOUT, Duration.ofSeconds(2)).forEach(w -> narrate.accept("warning: " + w));
                } catch (LabException e) {
                    // Without a settled cluster no further trial means anything: report what was measured.
                    String why = e.getMessage().lines().findFirst().orElse("?");
                    failures.add("before trial " + t + ": " + why + "; logs kept in " + keepLogs(t));
                    narrate.accept("stopping: " + why);
                    break;
                }
                Trial trial = trial(t, watch, faults);
                if (trial.guardActed()) guardActed++;
                if (trial.outageMs().isPresent()) {
                    outages.add(trial.outageMs().get());
                    refused.add(trial.refused().spanMs());
                } else {
                    failures.add("trial " + t + ": " + trial.detail() + "; logs kept in " + keepLogs(t));
                }
                narrate.accept("trial " + t + "/" + trials + ": " + fault.name().toLowerCase().replace('_', '-') + " "
                        + trial.victim() + " -> " + trial.detail());
                if (fault == Faults.Kind.KILL_SERVICE) {
                    // Each kill counts as a failure of the site on that node; after a few the cluster would ban
                    // the node (the policy's migration threshold). Forget them, so that every trial measures
                    // the same thing: a restart in place.
                    forgetFailures();
                } else if (!trial.victim().isEmpty()) {
                    faults.heal(lab.layout().indexOf(trial.victim()));
                }
            }
            // Let a healed node rejoin before the split-brain total is read: a split on rejoin counts too.
            if (failures.isEmpty()) {
                cluster.awaitSettled(SETTLE_TIMEOUT, Duration.ofSeconds(2)).forEach(w -> narrate.accept("warning: " + w));
            }
            return new BenchReport(fault.name().toLowerCase().replace('_', '-'), trials, outages, failures,
                    watch.splitBrainNanos() / 1_000_000, rss.maxMb(), refused, guardActed);
        }
    }

    private Trial trial(int number, VipWatch watch, Faults faults) {
        List<Integer> holders = watch.holders();
        if (holders.size() != 1) {
            return new Trial(number, "", Optional.empty(), NONE, "VIP held by " + holders.size() + " nodes before the fault");
        }
        int victim = holders.get(0);
        String name = lab.layout().nodeName(victim);
        try (ProberProcess prober = ProberProcess.start(lab.layout(), HavenRuntime.current())) {
            if (prober.awaitGoodAnswer(System.nanoTime(), Duration.ofSeconds(10)).isEmpty()) {
                return new Trial(number, name, Optional.empty(), NONE, "the service did not answer the prober before the fault");
            }
            java.nio.file.Path log = lab.cluster().state().log(name);
            long logMark = GuardActions.mark(log);
            Faults.Injected injected = faults.inject(fault, victim);
            long deadline = injected.effectiveNanos() + TRIAL_TIMEOUT.toNanos();
            // A dead or frozen daemon leaves its service answering until the guard ends it: what counts
            // there is the service coming back from another node.
            boolean mustMove = fault == Faults.Kind.KILL_DAEMON || fault == Faults.Kind.PAUSE;
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            Optional<ProbeResult> back = mustMove ? prober.awaitGoodAnswerNotFrom(name, injected.effectiveNanos(), left)
                    : prober.awaitGoodAnswer(injected.effectiveNanos(), left);
            if (back.isEmpty()) {
                return new Trial(number, name, Optional.empty(), NONE, "FAILED: no answer within " + TRIAL_TIMEOUT.toSeconds()
                        + " s after the fault; VIP now on " + names(watch.holders()));
            }
            if (!watch.awaitAtMostOneHolder(deadline)) {
                return new Trial(number, name, Optional.empty(), NONE, "FAILED: VIP still on " + names(watch.holders())
                        + " " + TRIAL_TIMEOUT.toSeconds() + " s after the fault");
            }
            long ms = (back.get().endNanos() - injected.effectiveNanos()) / 1_000_000;
            Refusals refusals = Refusals.between(prober.results(), injected.effectiveNanos(), back.get().startNanos());
            // The takeover waits past the victim's guard deadline, so whatever the guard did is logged by now.
            List<String> acted = GuardActions.acted(log, name, logMark);
            return new Trial(number, name, Optional.of(ms), refusals, back.get().detail() + " after " + ms + " ms"
                    + vipChanges(watch, injected.effectiveNanos()) + refusals.describe()
                    + (acted.isEmpty() ? "" : "; its guard forced off: " + String.join(" | ", acted)), !acted.isEmpty());
        }
    }

    private void forgetFailures() {
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            if (lab.cluster().pid(i).isPresent() && lab.cluster().resourceAction(i, "site", "cleanup")) {
                return;
            }
        }
        narrate.accept("warning: no node accepted `resource cleanup site`");
    }

    /** Copies the daemons' logs out of the lab folder, which is removed at the end, for the failure's post-mortem. */
    private Path keepLogs(int trial) {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "haven-lab-failures",
                lab.layout().prefix() + "-" + System.currentTimeMillis() + "-trial" + trial);
        lab.cluster().state().copyLogs(target);
        return target;
    }

    /** " (VIP: n1 lost +3 ms, n2 gained +950 ms)": the VIP's moves since the fault. */
    private String vipChanges(VipWatch watch, long sinceNanos) {
        List<String> moves = watch.timeline().stream().filter(c -> c.nanos() >= sinceNanos - 1_000_000)
                .map(c -> lab.layout().nodeName(c.node()) + (c.has() ? " gained +" : " lost +")
                        + (c.nanos() - sinceNanos) / 1_000_000 + " ms")
                .toList();
        return moves.isEmpty() ? " (VIP stayed on " + names(watch.holders()) + ")" : " (VIP: " + String.join(", ", moves) + ")";
    }

    private String names(List<Integer> nodes) {
        return nodes.isEmpty() ? "no node" : String.join(",", nodes.stream().map(lab.layout()::nodeName).toList());
    }
}
