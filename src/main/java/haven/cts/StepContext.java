package haven.cts;

import haven.lab.Exec;
import haven.lab.Faults;
import haven.lab.Lab;
import haven.lab.LabLayout;
import haven.lab.Netns;
import haven.lab.Pids;
import haven.lab.ProbeResult;
import haven.lab.ProberProcess;
import haven.lab.VipWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * What a step works with: the lab, its faults, the VIP watch, the client's prober, the step's own seeded
 * Random, and the record of what the step injected and observed. Every look at where things run is taken
 * from outside the daemons: addresses and processes in the node namespaces.
 */
public final class StepContext {
    /** Longest any step waits for one thing: well past every budget, so an over-budget step is measured, not cut off. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Lab lab;
    private final Faults faults;
    private final VipWatch watch;
    private final ProberProcess prober;
    private final Random random;
    private final List<String> injected = new ArrayList<>();
    private final List<String> observed = new ArrayList<>();

    StepContext(Lab lab, Faults faults, VipWatch watch, ProberProcess prober, Random random) {
        this.lab = lab;
        this.faults = faults;
        this.watch = watch;
        this.prober = prober;
        this.random = random;
    }

    public Lab lab() {
        return lab;
    }

    public LabLayout layout() {
        return lab.layout();
    }

    public Faults faults() {
        return faults;
    }

    public VipWatch watch() {
        return watch;
    }

    public Random random() {
        return random;
    }

    List<String> injected() {
        return injected;
    }

    List<String> observed() {
        return observed;
    }

    /** Records a fault or action for the report and returns it. */
    Faults.Injected inject(Faults.Injected what) {
        injected.add(what.description());
        return what;
    }

    void injected(String what) {
        injected.add(what);
    }

    void observe(String what) {
        observed.add(what);
    }

    String name(int node) {
        return layout().nodeName(node);
    }

    // --- where things run, seen from outside -------------------------------------------------------------

    /** Nodes whose namespace has the VIP configured now. */
    List<Integer> vipNodes() {
        return lab.cluster().vipHolders();
    }

    /** Nodes whose namespace runs the web server now. */
    List<Integer> nginxNodes() {
        return nodes(i -> Netns.pids(layout().nodeNamespace(i)).stream().anyMatch(Faults::isNginx));
    }

    /** The one node that holds the VIP; a step that needs a holder fails if there is not exactly one. */
    int holder() {
        List<Integer> h = vipNodes();
        if (h.size() != 1) {
            throw new StepFailed("expected one VIP holder before the step, found " + names(h));
        }
        return h.get(0);
    }

    /** Nodes that may run services (not the witness). */
    List<Integer> serviceNodes() {
        return nodes(i -> !layout().isWitness(i));
    }

    List<Integer> nodes(IntPredicate which) {
        return IntStream.rangeClosed(1, layout().nodes()).filter(which).boxed().toList();
    }

    int pick(List<Integer> among) {
        if (among.isEmpty()) {
            throw new StepFailed("no node to choose from");
        }
        return among.get(random.nextInt(among.size()));
    }

    String names(List<Integer> nodes) {
        return nodes.isEmpty() ? "no node" : String.join(",", nodes.stream().map(this::name).toList());
    }

    // --- daemons ----------------------------------------------------------------------------------------

    /**
     * An orderly stop (SIGTERM, as systemd would): the daemon stops its resources and leaves. A daemon
     * still alive after 15 s is killed and the step fails: an orderly stop that hangs is a bug.
     */
    void stopDaemon(int node) {
        Optional<Long> pid = lab.cluster().pid(node);
        if (pid.isEmpty()) {
            return;
        }
        Pids.signal(pid.get(), "TERM");
        if (!Pids.waitGone(List.of(pid.get()), Duration.ofSeconds(15))) {
            Pids.kill(List.of(pid.get()));
            throw new StepFailed("the daemon of " + name(node) + " (PID " + pid.get() + ") did not stop within 15 s of"
                    + " SIGTERM; killed");
        }
    }

    /** SIGTERM to all daemons at once, then waits for each as {@link #stopDaemon} does. */
    void stopAll() {
        List<Long> pids = lab.cluster().livePids();
        pids.forEach(p -> Pids.signal(p, "TERM"));
        if (!Pids.waitGone(pids, Duration.ofSeconds(15))) {
            List<Long> left = pids.stream().filter(Pids::alive).toList();
            Pids.kill(left);
            throw new StepFailed("daemons " + left + " did not stop within 15 s of SIGTERM; killed");
        }
    }

    void startDaemon(int node) {
        lab.cluster().start(node);
    }

    /** Waits until the node's API answers (its JVM is up and serving). */
    long awaitApi(int node) {
        return Await.until(name(node) + "'s API answering /ha/status", PATIENCE, () -> lab.cluster().status(node).isPresent());
    }

    /** Processes left in a node's namespace, besides the lab's own address monitors. */
    List<Long> leftovers(int node) {
        String ns = layout().nodeNamespace(node);
        return Netns.pids(ns).stream().filter(p -> !VipWatch.isMonitor(p, ns)).toList();
    }

    // --- the API ----------------------------------------------------------------------------------------

    /** POST to node {@code via}'s API, as the `haven` CLI on that node would; true on a 2xx answer. */
    boolean post(int via, String path) {
        Exec.Result r = Exec.run(Duration.ofSeconds(15), Netns.execIn(layout().nodeNamespace(via), "curl", "-s", "-m", "10",
                "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "http://127.0.0.1:7480" + path));
        return r.ok() && r.out().trim().startsWith("2");
    }

    /** POST through the first node whose daemon runs and accepts it; StepFailed if none does. */
    void postAnywhere(String path) {
        for (int i = 1; i <= layout().nodes(); i++) {
            if (lab.cluster().pid(i).isPresent() && post(i, path)) {
                injected("POST " + path + " via " + name(i));
                return;
            }
        }
        throw new StepFailed("no node's API accepted POST " + path);
    }

    // --- the client's view ------------------------------------------------------------------------------

    /** The first good answer to a request sent after {@code sinceNanos} from a node other than {@code not}. */
    ProbeResult awaitServedElsewhere(int not, long sinceNanos, String after) {
        return prober.awaitGoodAnswerNotFrom(name(not), sinceNanos, PATIENCE).orElseThrow(() -> new StepFailed(
                "no answer from a node other than " + name(not) + " within " + PATIENCE.toSeconds() + " s after " + after
                        + "; VIP on " + names(vipNodes())));
    }

    Optional<ProbeResult> firstGoodAnswer(long sinceNanos) {
        return prober.firstAnswerSentAfter(sinceNanos, ProbeResult::ok);
    }

    List<ProbeResult> probes() {
        return prober.results();
    }

    /** The first good answer to a request sent after {@code sinceNanos} that node {@code by} served. */
    ProbeResult awaitServedBy(int by, long sinceNanos, String after) {
        String from = "served by " + name(by);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProbeResult> r = prober.firstAnswerSentAfter(sinceNanos, p -> p.ok() && p.detail().equals(from));
            if (r.isPresent()) {
                return r.get();
            }
            Await.sleep(10);
        }
        throw new StepFailed("no answer from " + name(by) + " within " + PATIENCE.toSeconds() + " s after " + after
                + "; VIP on " + names(vipNodes()));
    }

    ProbeResult awaitServed(long sinceNanos, String after) {
        return prober.awaitGoodAnswer(sinceNanos, PATIENCE).orElseThrow(() -> new StepFailed("no answer within "
                + PATIENCE.toSeconds() + " s after " + after + "; VIP on " + names(vipNodes())));
    }

    /** Waits until the node holds neither the VIP nor a web server; the wait in ms. */
    long awaitNothingOn(int node, Duration within, String after) {
        return Await.until("the VIP and web server leaving " + name(node) + " after " + after, within,
                () -> !vipNodes().contains(node) && !nginxNodes().contains(node));
    }

    /** Waits until no namespace holds the VIP or runs a web server; the wait in ms. */
    long awaitNothingAnywhere(Duration within, String after) {
        return Await.until("the VIP and web server gone from every node after " + after, within,
                () -> vipNodes().isEmpty() && nginxNodes().isEmpty());
    }

    /** Milliseconds from {@code sinceNanos} to the end of {@code answer}. */
    static long msFrom(long sinceNanos, ProbeResult answer) {
        return Math.max(0, (answer.endNanos() - sinceNanos) / 1_000_000);
    }
}
