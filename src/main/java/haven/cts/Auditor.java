package haven.cts;

import haven.lab.HaStatus;
import haven.lab.Lab;
import haven.lab.ProbeResult;
import haven.lab.ProberProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The audits after every step, on a healed and settled cluster. Where things run is read from the node
 * namespaces (addresses, processes), not from the daemons, which are what is being tested; the daemons are
 * asked only for their copies of the cluster state, to compare them with each other.
 */
final class Auditor {
    /** A change committed just before the audit may take a moment to reach every node; longer is a lagging copy. */
    static final Duration AGREEMENT = Duration.ofSeconds(5);
    static final Duration ANSWER = Duration.ofSeconds(5);

    private final Lab lab;

    Auditor(Lab lab) {
        this.lab = lab;
    }

    /** Every problem found; empty when all audits pass. */
    List<String> audit(StepContext ctx, ProberProcess prober) {
        List<String> problems = new ArrayList<>();
        exactlyOnce(ctx).ifPresent(problems::add);
        sameState(ctx).ifPresent(problems::add);
        answers(ctx, prober).ifPresent(problems::add);
        return problems;
    }

    /** The VIP in one namespace, the web server in one namespace, and the same one. */
    private Optional<String> exactlyOnce(StepContext ctx) {
        List<Integer> vip = ctx.vipNodes();
        List<Integer> web = ctx.nginxNodes();
        if (vip.size() == 1 && vip.equals(web)) {
            ctx.observe("audit: VIP and web server on " + ctx.names(vip) + " only");
            return Optional.empty();
        }
        return Optional.of("not active exactly once: VIP on " + ctx.names(vip) + ", web server on " + ctx.names(web));
    }

    /** Every live node's copy of the cluster state: same version, same groups. */
    private Optional<String> sameState(StepContext ctx) {
        long deadline = System.nanoTime() + AGREEMENT.toNanos();
        String last;
        do {
            Map<String, String> copies = new TreeMap<>();
            for (int i = 1; i <= lab.layout().nodes(); i++) {
                if (lab.cluster().pid(i).isEmpty()) {
                    continue;
                }
                Optional<HaStatus> s = lab.cluster().status(i);
                copies.put(lab.layout().nodeName(i), s.map(st -> "version " + st.version() + ", " + groups(st))
                        .orElse("no answer from /ha/status"));
            }
            String first = copies.isEmpty() ? "no answer: no daemon runs" : copies.values().iterator().next();
            if (copies.values().stream().distinct().count() == 1 && !first.startsWith("no answer")) {
                ctx.observe("audit: " + copies.size() + " identical copies of the cluster state, " + first.split(",")[0]);
                return Optional.empty();
            }
            last = copies.toString();
            Await.sleep(200);
        } while (System.nanoTime() < deadline);
        return Optional.of("the nodes' copies of the cluster state differ " + AGREEMENT.toSeconds() + " s after settling: " + last);
    }

    /** "web on n2 (gen 6, started)": the part of a copy that placement is about. */
    private static String groups(HaStatus st) {
        return String.join("; ", st.groups().stream().map(g -> g.name() + " on " + (g.node().isEmpty() ? "-" : g.node())
                + " (gen " + g.generation() + (g.started() ? ", started)" : ", not started)")).toList());
    }

    /** A request sent now is answered, by the node that holds the VIP. */
    private Optional<String> answers(StepContext ctx, ProberProcess prober) {
        long now = System.nanoTime();
        Optional<ProbeResult> r = prober.awaitGoodAnswer(now, ANSWER);
        if (r.isEmpty()) {
            return Optional.of("the service does not answer from " + lab.layout().clientNamespace() + " after settling");
        }
        List<Integer> vip = ctx.vipNodes();
        if (vip.size() == 1 && !r.get().detail().equals("served by " + ctx.name(vip.get(0)))) {
            return Optional.of("the client was " + r.get().detail() + " but the VIP is on " + ctx.name(vip.get(0)));
        }
        return Optional.empty();
    }
}
