package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three ways to run twice that issue 13 found from outside, reproduced as they were measured: a watcher of
 * every namespace's addresses (VipWatch, event-driven) and of every process (NginxWatch, every 10 ms) must see
 * 0 ms of two holders. Three nodes, no fencing (majority mode: the lease and the guard are what keep a service
 * single). Needs root, nginx and a built daemon.
 */
@Tag("lab")
class RunTwiceLabTest {
    private static final String PREFIX = SharedLab.prefix("twice");
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration WITHIN = Duration.ofSeconds(40);
    private static final long LEASE_AND_MARGIN_MS = 500;
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3));

    private static int soleHolder(WatchedLab w) {
        List<Integer> holders = w.watch.holders();
        assertThat(holders).as("one VIP holder\n%s", lab.cluster().logTails(20)).hasSize(1);
        return holders.get(0);
    }

    private static String log(int node) throws IOException {
        return Files.readString(lab.cluster().state().log(lab.layout().nodeName(node)));
    }

    private static long count(String text, String needle) {
        long n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
        return n;
    }

    /**
     * Waits until {@code node} holds neither the VIP nor nginx. Returns how long after {@code sinceNanos} the later
     * of the two went, as the watches saw it (the address event's time, the first poll without nginx), or empty on
     * timeout.
     */
    private static Optional<Long> awaitLetGo(WatchedLab w, NginxWatch nginx, int node, long sinceNanos, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!w.watch.holders().contains(node) && !nginx.nginxByNode().containsKey(node)) {
                long vipGone = w.watch.timeline().stream().filter(c -> c.node() == node && !c.has() && c.nanos() > sinceNanos)
                        .mapToLong(VipWatch.Change::nanos).findFirst().orElse(sinceNanos);
                Pids.sleep(2 * NginxWatch.EVERY_MS); // let the poller see it too
                long nginxGone = nginx.lostAfter(node, sinceNanos).orElse(sinceNanos);
                return Optional.of((Math.max(vipGone, nginxGone) - sinceNanos) / 1_000_000);
            }
            Pids.sleep(2);
        }
        return Optional.empty();
    }

    /** The guard's and the daemon's force-off lines about {@code resource} in {@code node}'s log since {@code fromLine}. */
    private static List<String> forceOffLines(int node, String resource, int fromLine) throws IOException {
        List<String> lines = Files.readAllLines(lab.cluster().state().log(lab.layout().nodeName(node)));
        return lines.subList(Math.min(fromLine, lines.size()), lines.size()).stream()
                .filter(l -> l.contains("  " + resource + ": ") || l.contains("GIVING UP") || l.contains("left over")).map(String::strip).toList();
    }

    private static int logLines(int node) throws IOException {
        return Files.readAllLines(lab.cluster().state().log(lab.layout().nodeName(node))).size();
    }

    // ---------------------------------------------------------------- 1. a guard that keeps dying

    /** The guard process of daemon {@code daemonPid} other than {@code not}, if one runs. */
    private static Optional<Long> guardOf(long daemonPid, long not) {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                long pid = Long.parseLong(name);
                List<String> argv = Pids.cmdline(pid);
                // The Java guard names its main class; the native one is its program (target/haven-guard).
                int at = argv.indexOf("haven.guard.GuardMain");
                if (at < 0 && !argv.isEmpty() && argv.get(0).endsWith("/haven-guard")) at = 0;
                if (pid != not && at >= 0 && argv.size() > at + 1 && argv.get(at + 1).equals(Long.toString(daemonPid))) return Optional.of(pid);
            }
        } catch (IOException e) {
            throw new LabException("cannot list /proc: " + e.getMessage());
        }
        return Optional.empty();
    }

    @Test
    void aNodeWhoseGuardKeepsDyingLetsItsServicesGoWithinItsLeaseAndNothingRunsTwice() throws Exception {
        try (WatchedLab w = WatchedLab.settle(lab.get()); NginxWatch nginx = NginxWatch.start(lab.layout())) {
            int victim = soleHolder(w);
            long daemon = lab.cluster().pid(victim).orElseThrow();
            long guard = -1;
            long lastKill = 0;
            int kills = 0;
            while (Pids.alive(daemon) && kills < 20) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                Optional<Long> next = Optional.empty();
                while (next.isEmpty() && Pids.alive(daemon) && !log(victim).contains("GIVING UP THE GUARD") && System.nanoTime() < deadline) {
                    next = guardOf(daemon, guard);
                    if (next.isEmpty()) Pids.sleep(20);
                }
                if (next.isEmpty()) break;
                guard = next.get();
                Pids.signal(guard, "KILL");
                lastKill = System.nanoTime();
                kills++;
                Pids.waitGone(List.of(guard), Duration.ofSeconds(5));
            }
            Optional<Long> letGoMs = awaitLetGo(w, nginx, victim, lastKill, Duration.ofSeconds(10));
            boolean gaveUp = log(victim).contains("GIVING UP THE GUARD");
            // As measured from outside: the daemon then stood still for 8 s. Without a guard nothing would end its
            // services meanwhile; they must be gone already.
            if (Pids.alive(daemon)) {
                Pids.signal(daemon, "STOP");
                Pids.sleep(8000);
                Pids.signal(daemon, "CONT");
            }
            Optional<ProbeResult> back = w.prober.awaitGoodAnswer(lastKill + letGoMs.orElse(0L) * 1_000_000, WITHIN);
            long pipeLines = count(log(victim), "guard pipe broke");
            System.out.printf("%d guard kills on %s, given up: %s; services let go %s ms after the last kill; two holders: VIP %d ms, nginx"
                    + " %d ms; 'guard pipe broke' logged %d times; then %s%n", kills, lab.layout().nodeName(victim), gaveUp,
                    letGoMs.map(String::valueOf).orElse("(never)"), w.watch.splitBrainNanos() / 1_000_000, nginx.overlapNanos() / 1_000_000,
                    pipeLines, back.map(ProbeResult::detail).orElse("(no answer)"));
            assertThat(gaveUp).as("after %d guard kills\n%s", kills, lab.cluster().logTails(30)).isTrue();
            assertThat(letGoMs).as("services let go\n%s", lab.cluster().logTails(30)).isPresent();
            assertThat(letGoMs.get()).as("within the lease and its margin").isLessThanOrEqualTo(LEASE_AND_MARGIN_MS);
            assertThat(Pids.waitGone(List.of(daemon), Duration.ofSeconds(30))).as("the daemon leaves (exit status 3)").isTrue();
            // Not asserted: whether the others take over depends on the cluster log's catch-up after the earlier tests'
            // restarts (issue 13's fourth finding, fixed elsewhere); it is printed above. What this test is about is
            // that the node lets go at once and that nothing runs twice.
            back.ifPresent(b -> assertThat(b.detail()).isNotEqualTo("served by " + lab.layout().nodeName(victim)));
            assertThat(pipeLines).as("one line per dead guard").isLessThanOrEqualTo(kills);
            assertThat(w.watch.splitBrainNanos()).as("VIP never on two nodes").isZero();
            assertThat(nginx.overlapNanos()).as("nginx never on two nodes").isZero();
        }
    }

    // ---------------------------------------------------------------- 2. a stall during a one-way cut

    /**
     * The node's packets to its peers are dropped, theirs to it still arrive: blackhole routes in its namespace
     * (the reverse-path filter off, or the replies' missing route would drop what comes in too).
     */
    private static void muteTowardPeers(int node) {
        String ns = lab.layout().nodeNamespace(node);
        Exec.run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.eth0.rp_filter=0");
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            if (i != node) Exec.run("ip", "-n", ns, "route", "add", "blackhole", lab.layout().nodeAddress(i) + "/32");
        }
    }

    /**
     * SIGSTOP to SIGCONT. The loop then sees a gap of this and a few tens of ms more, which must stay under the
     * lease (400 ms): a longer gap is caught by the older freeze rule and would prove nothing about the beats.
     */
    private static final long STALL_MS = 300;

    @Test
    void aStallAsThePeersDropAOneWayCutNodeNeverRenewsItsLeaseFromQueuedBeats() throws Exception {
        long[] stallAfterMs = {250, 320, 390, 460, 530};
        List<String> trials = new ArrayList<>();
        long worstVip = 0;
        long worstNginx = 0;
        for (long after : stallAfterMs) {
            try (WatchedLab w = WatchedLab.settle(lab.get()); NginxWatch nginx = NginxWatch.start(lab.layout())) {
                int active = soleHolder(w);
                long daemon = lab.cluster().pid(active).orElseThrow();
                muteTowardPeers(active);
                long cut = System.nanoTime();
                Pids.sleep(after);
                Pids.signal(daemon, "STOP");
                Pids.sleep(STALL_MS);
                Pids.signal(daemon, "CONT");
                Optional<Long> letGoMs = awaitLetGo(w, nginx, active, cut, WITHIN);
                assertThat(letGoMs).as("the cut-off node lets go\n%s", lab.cluster().logTails(30)).isPresent();
                ProbeResult back = w.prober.awaitGoodAnswer(cut + letGoMs.get() * 1_000_000, WITHIN).orElseThrow(() -> new AssertionError(
                        "service not back\n" + lab.cluster().logTails(30)));
                assertThat(back.detail()).isNotEqualTo("served by " + lab.layout().nodeName(active));
                Pids.sleep(1000); // what two holders there are show up by now: the stall is long over
                long vip = w.watch.splitBrainNanos() / 1_000_000;
                long web = nginx.overlapNanos() / 1_000_000;
                worstVip = Math.max(worstVip, vip);
                worstNginx = Math.max(worstNginx, web);
                trials.add(0, "stall " + after + "-" + (after + STALL_MS) + " ms after the cut of " + lab.layout().nodeName(active) + ": let go after "
                        + letGoMs.get() + " ms; two holders VIP " + vip + " ms, nginx " + web + " ms; then " + back.detail());
                System.out.println(trials.get(0));
            }
        }
        assertThat(worstVip).as("VIP on two nodes in some trial:\n%s\n%s", String.join("\n", trials), lab.cluster().logTails(30)).isZero();
        assertThat(worstNginx).as("nginx on two nodes in some trial:\n%s", String.join("\n", trials)).isZero();
    }

    // ---------------------------------------------------------------- 3. a daemon killed as its service starts

    /**
     * Watches for a new child of {@code daemon} (with {@code nginxOnly}, one that has become nginx) and kills the
     * daemon {@code delayMs} after it appears. A child seen before it is nginx is still in its launcher: the daemon
     * has not learnt its process group yet, the case the issue found. New PIDs are found from the kernel's last
     * allocated PID (/proc/loadavg, one small file), so a round takes microseconds, not a scan of /proc. Returns how long after
     * the process appeared the kill went out, or empty.
     */
    private static Optional<Double> killDaemonAsNginxAppears(long daemon, boolean nginxOnly, long delayMs, Runnable trigger, Duration limit) {
        ProcessHandle handle = ProcessHandle.of(daemon).orElseThrow(() -> new LabException("daemon " + daemon + " is gone"));
        long last = lastPid();
        trigger.run();
        long deadline = System.nanoTime() + limit.toNanos();
        List<Long> children = new ArrayList<>();
        // A PID is allocated a moment before its process shows in /proc: look again for up to 100 ms.
        java.util.Map<Long, Long> unseen = new java.util.HashMap<>();
        while (System.nanoTime() < deadline) {
            long now = lastPid();
            long from = now >= last ? last + 1 : now; // after a wrap, only the newest is looked at
            for (long pid = from; pid <= now; pid++) unseen.put(pid, System.nanoTime());
            last = now;
            for (var e : List.copyOf(unseen.entrySet())) {
                long parent = parentOf(e.getKey());
                if (parent == daemon) children.add(e.getKey());
                if (parent != -1 || System.nanoTime() - e.getValue() > 100_000_000L) unseen.remove(e.getKey());
            }
            for (long pid : List.copyOf(children)) {
                String comm = comm(pid);
                if (comm.isEmpty() || parentOf(pid) != daemon) {
                    children.remove(pid);
                } else if (!nginxOnly || comm.equals("nginx")) {
                    long appeared = System.nanoTime();
                    while (System.nanoTime() - appeared < delayMs * 1_000_000) Thread.onSpinWait();
                    handle.destroyForcibly(); // kill(2) from here: no helper process
                    return Optional.of((System.nanoTime() - appeared) / 1e6);
                }
            }
        }
        return Optional.empty();
    }

    private static long lastPid() {
        try {
            // The last field of /proc/loadavg; ns_last_pid read 1 from a JVM here.
            String load = Files.readString(Path.of("/proc/loadavg")).strip();
            return Long.parseLong(load.substring(load.lastIndexOf(' ') + 1));
        } catch (IOException e) {
            throw new LabException("cannot read the last PID: " + e.getMessage());
        }
    }

    private static long parentOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException gone) {
            return "";
        }
    }

    @Test
    void aDaemonKilledAsItsServiceStartsLeavesNoLeftoverAndItsSuccessorRunsTheOnlyOne() throws Exception {
        List<String> trials = new ArrayList<>();
        // Each way once per delay: the kill as the start's process appears or as nginx itself does, 0 or 1 ms after
        // (six trials, which repeated the last two, cost CI 25 s more).
        for (int trial = 0; trial < 4; trial++) {
            long delayMs = trial % 2;
            boolean nginxOnly = trial >= 2;
            try (WatchedLab w = WatchedLab.settle(lab.get()); NginxWatch nginx = NginxWatch.start(lab.layout())) {
                int holder = soleHolder(w);
                // Each trial fails the web server once on its holder: three on one node within the failure window
                // would move the group (migration_threshold) instead of restarting it in place, the start this test
                // interrupts. The trials are independent: forget the earlier ones' failures.
                assertThat(lab.cluster().resourceAction(holder, "site", "cleanup")).as("failures of site forgotten").isTrue();
                long daemon = lab.cluster().pid(holder).orElseThrow();
                int logFrom = logLines(holder);
                // The daemon restarts its web server at once when it dies: that start is the one to interrupt.
                Optional<Double> killedAfter = killDaemonAsNginxAppears(daemon, nginxOnly, delayMs, () -> w.faults.killService(holder),
                        Duration.ofSeconds(20));
                assertThat(killedAfter).as("the daemon restarted nginx\n%s", lab.cluster().logTails(20)).isPresent();
                long killed = System.nanoTime();
                Pids.waitGone(List.of(daemon), Duration.ofSeconds(5));
                Optional<Long> letGo = awaitLetGo(w, nginx, holder, killed, Duration.ofSeconds(10));
                List<Long> leftover = nginx.nginxByNode().getOrDefault(holder, List.of());
                w.faults.heal(holder); // the daemon starts again, as a service manager would restart it
                lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(1)).forEach(x -> System.err.println("lab warning: " + x));
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (nginx.masters() != 1 && System.nanoTime() < deadline) Pids.sleep(50);
                int masters = nginx.masters();
                List<Integer> vip = w.watch.holders();
                trials.add(String.format("kill %.2f ms after " + (nginxOnly ? "nginx" : "the start's process") + " appeared on %s: let go after %s ms, leftover %s; after the restart %d nginx"
                        + " master(s) on %s, VIP on %s; two holders VIP %d ms, nginx %d ms", killedAfter.get(), lab.layout().nodeName(holder),
                        letGo.map(String::valueOf).orElse("(never)"), leftover, masters, nginx.holders(), vip,
                        w.watch.splitBrainNanos() / 1_000_000, nginx.overlapNanos() / 1_000_000)
                        + "\n    " + String.join("\n    ", forceOffLines(holder, "site", logFrom)));
                System.out.println(trials.get(trials.size() - 1));
                assertThat(letGo).as("the guard ended what the killed daemon started\n%s", String.join("\n", trials)).isPresent();
                assertThat(masters).as("one nginx after the restart\n%s", String.join("\n", trials)).isEqualTo(1);
                assertThat(nginx.holders()).as("nginx runs where the VIP is").isEqualTo(java.util.Set.copyOf(vip));
                assertThat(w.watch.splitBrainNanos()).isZero();
                assertThat(nginx.overlapNanos()).isZero();
            }
        }
    }
}
