package haven.lab;

import haven.daemon.DaemonMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The haven daemons of a lab: one `haven node` per node namespace, started detached with its PID recorded
 * in the lab folder, so that any later command can signal exactly that process.
 */
public final class LabCluster {
    private final LabLayout layout;
    private final LabState state;
    private final HavenRuntime runtime;

    public LabCluster(LabLayout layout, LabState state, HavenRuntime runtime) {
        this.layout = layout;
        this.state = state;
        this.runtime = runtime;
    }

    public LabLayout layout() {
        return layout;
    }

    public LabState state() {
        return state;
    }

    /** Starts node i's daemon in its namespace; refuses if that node's daemon already runs. */
    public long start(int i) {
        String node = layout.nodeName(i);
        if (state.livePid(node).isPresent()) {
            throw new LabException("the daemon of " + node + " already runs (PID " + state.livePid(node).get() + ")");
        }
        List<String> args = List.of(layout.isWitness(i) ? "witness" : "node", "--config", state.config().toAbsolutePath().toString(),
                "--name", node, "--state-dir", state.nodeDir(node).toAbsolutePath().toString());
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"",
                "haven-lab-disk", ownDisk(node).toString(), state.disk().toString()));
        cmd.addAll(runtime.javaCommand(HavenRuntime.daemonOptions(), DaemonMain.class.getName(), args));
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_JDK", runtime.java().getParent().getParent().toString());
        long pid = Detached.start(layout.nodeNamespace(i), cmd, state.log(node), env);
        state.recordPid(node, pid);
        return pid;
    }

    /** Node {@code node}'s disk folder, made on first use, and the shared mount point every daemon sees it at. */
    private Path ownDisk(String node) {
        try {
            Files.createDirectories(state.disk());
            return Files.createDirectories(state.diskOf(node));
        } catch (java.io.IOException e) {
            throw new LabException("cannot make the disk folder of " + node + ": " + e.getMessage());
        }
    }

    /**
     * Starts every daemon. A lab of more than {@link #AT_ONCE} nodes starts them one after the other, each once
     * the one before says it is up (or after {@link #STAGGER_WAIT}): sixteen daemon and guard JVMs starting
     * together on two cores starved each other for minutes, their leases lapsed over and over and the views
     * churned (the 16-node bench did not come up within 190 s). Users start machines, not 32 JVMs on one.
     */
    public void startAll() {
        for (int i = 1; i <= layout.nodes(); i++) {
            start(i);
            if (layout.nodes() > AT_ONCE && !layout.isWitness(i)) awaitUp(i, STAGGER_WAIT);
        }
    }

    static final int AT_ONCE = 5;
    static final Duration STAGGER_WAIT = Duration.ofSeconds(20);

    private void awaitUp(int i, Duration timeout) {
        String node = layout.nodeName(i);
        String up = "node " + node + " up: ";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && pid(i).isPresent()) {
            if (state.logTail(node, 200).contains(up)) return;
            Pids.sleep(200);
        }
    }

    public Optional<Long> pid(int i) {
        return state.livePid(layout.nodeName(i));
    }

    /** PIDs of the daemons that run now. */
    public List<Long> livePids() {
        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= layout.nodes(); i++) {
            pid(i).ifPresent(pids::add);
        }
        return pids;
    }

    /** SIGTERM to every recorded daemon, SIGKILL after 2 s. */
    public void stopAll() {
        Pids.terminate(livePids(), Duration.ofSeconds(2));
    }

    /** Nodes whose namespace has the VIP configured right now. */
    public List<Integer> vipHolders() {
        List<Integer> holders = new ArrayList<>();
        for (int i = 1; i <= layout.nodes(); i++) {
            if (Netns.ipv4Addresses(layout.nodeNamespace(i)).contains(layout.vip())) {
                holders.add(i);
            }
        }
        return holders;
    }

    /** One GET of the service from the client namespace. */
    public Optional<Http.Reply> fetchService(Duration timeout) {
        return Http.get(layout.clientNamespace(), "http://" + layout.vip() + "/", timeout).filter(Http.Reply::ok);
    }

    /** Waits until the service answers from the client namespace; the reply, or an error with the logs. */
    public Http.Reply awaitService(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Http.Reply> r = fetchService(Duration.ofMillis(500));
            if (r.isPresent()) {
                return r.get();
            }
            Pids.sleep(200);
        }
        throw new LabException("the service at http://" + layout.vip() + "/ did not answer from "
                + layout.clientNamespace() + " within " + timeout.toSeconds() + " s\n" + logTails(25));
    }

    public Optional<HaStatus> status(int i) {
        return HaStatus.fetch(layout.nodeNamespace(i), Duration.ofSeconds(2));
    }

    /**
     * Waits until the cluster is whole and settled: every node answers and sees all nodes as members with
     * quorum; all agree on the coordinator and on where group "web" runs (node and generation); the
     * coordinator says it is started; the service answers; exactly one namespace holds the VIP; and all of
     * that unchanged for {@code stableFor}.
     *
     * @return warnings about views that lag behind (a node whose copy of the cluster state is older than the
     *     coordinator's): not a reason to wait forever, but a finding worth reporting
     */
    public List<String> awaitSettled(Duration timeout, Duration stableFor) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Settled last = null;
        long since = 0;
        String why = "nothing checked yet";
        while (System.nanoTime() < deadline) {
            Settled now = settled();
            if (now.why().isEmpty()) {
                if (last == null || !last.picture().equals(now.picture())) {
                    last = now;
                    since = System.nanoTime();
                } else if (System.nanoTime() - since >= stableFor.toNanos()) {
                    return now.lagging();
                }
            } else {
                last = null;
                why = now.why();
            }
            Pids.sleep(250);
        }
        throw new LabException("the cluster did not settle within " + timeout.toSeconds() + " s (last: " + why
                + ")\n" + logTails(15));
    }

    /** Either {@code why} says what is not settled yet, or {@code picture} is the agreed state. */
    private record Settled(String why, String picture, List<String> lagging) {
        static Settled not(String why) {
            return new Settled(why, "", List.of());
        }
    }

    private Settled settled() {
        List<String> all = layout.nodeNames();
        Map<String, HaStatus> views = new TreeMap<>();
        for (int i = 1; i <= layout.nodes(); i++) {
            String node = layout.nodeName(i);
            if (pid(i).isEmpty()) {
                return Settled.not("daemon of " + node + " not running");
            }
            Optional<HaStatus> s = status(i);
            if (s.isEmpty()) {
                return Settled.not(node + " does not answer /ha/status");
            }
            HaStatus st = s.get();
            if (!st.quorate() || !st.members().containsAll(all)) {
                return Settled.not(node + " sees members " + st.members() + (st.quorate() ? "" : ", no quorum"));
            }
            views.put(node, st);
        }
        List<String> coordinators = views.values().stream().map(HaStatus::coordinator).distinct().toList();
        if (coordinators.size() != 1 || !views.containsKey(coordinators.get(0))) {
            return Settled.not("nodes name coordinators " + coordinators);
        }
        HaStatus coordinator = views.get(coordinators.get(0));
        Optional<HaStatus.Group> web = coordinator.group("web");
        if (web.isEmpty() || web.get().node().isEmpty() || !web.get().started()) {
            return Settled.not("the coordinator " + coordinator.node() + " does not report web placed and started");
        }
        // Views as new as the coordinator's must agree with it; older ones are reported, not waited for: a view
        // that lags stays behind until the next change of the cluster state (a daemon bug worth seeing).
        List<String> lagging = new ArrayList<>();
        for (HaStatus st : views.values()) {
            Optional<HaStatus.Group> theirs = st.group("web");
            if (st.version() < coordinator.version()) {
                lagging.add(st.node() + "'s view lags: state version " + st.version() + " vs " + coordinator.version()
                        + " on coordinator " + coordinator.node() + "; it sees web "
                        + theirs.map(g -> "on " + g.node() + (g.started() ? " started" : " NOT started")).orElse("nowhere"));
            } else if (!theirs.equals(web)) {
                return Settled.not(st.node() + " disagrees with the coordinator about web: " + theirs + " vs " + web);
            }
        }
        if (vipHolders().size() != 1) {
            return Settled.not("VIP held by " + vipHolders().size() + " namespaces");
        }
        if (fetchService(Duration.ofMillis(500)).isEmpty()) {
            return Settled.not("service does not answer");
        }
        String picture = "coordinator " + coordinator.node() + ", web on " + web.get().node() + " gen " + web.get().generation();
        return new Settled("", picture, lagging);
    }

    /**
     * Asks node {@code via}'s API for an admin action on a resource (move?node=N, clear, cleanup), as
     * `haven resource ...` would; true if the daemon accepted it.
     */
    public boolean resourceAction(int via, String resource, String action) {
        Exec.Result r = Exec.run(Duration.ofSeconds(15), Netns.execIn(layout.nodeNamespace(via), "curl", "-s", "-m",
                "10", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                "http://127.0.0.1:7480/ha/resources/" + resource + "/" + action));
        return r.ok() && r.out().trim().startsWith("2");
    }

    /** Runs {@code command} in node {@code i}'s daemon's mount namespace, where its own disk (and a FUSE layer) is mounted. */
    public Exec.Result inMountsOf(int i, Duration timeout, String... command) {
        long pid = pid(i).orElseThrow(() -> new LabException(layout.nodeName(i) + " is not running"));
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-m", "--"));
        cmd.addAll(List.of(command));
        return Exec.run(timeout, cmd);
    }

    /** /ha/resources/RESOURCE/replication/KEY as node {@code i}'s API answers it, asked from inside its namespace. */
    public Optional<Http.Reply> replication(int i, String resource, String key) {
        return Http.get(layout.nodeNamespace(i), "http://127.0.0.1:7480/ha/resources/" + resource + "/replication/" + key,
                Duration.ofSeconds(5));
    }

    /** The last lines of every node's log, for failure reports. */
    public String logTails(int lines) {
        StringBuilder s = new StringBuilder();
        for (String node : layout.nodeNames()) {
            s.append("--- ").append(state.log(node)).append(" (last ").append(lines).append(" lines)\n")
                    .append(state.logTail(node, lines)).append('\n');
        }
        return s.toString();
    }
}
