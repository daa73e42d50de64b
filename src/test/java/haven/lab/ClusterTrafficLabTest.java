package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12 from a host on the cluster network without the cluster key (the lab's client namespace): forged
 * header-only JGroups messages, replayed captures and a garbage flood must change nothing, and a cut-off
 * node fed with replays must still let go of its VIP. Needs root, nginx, tcpdump and a built daemon.
 */
@Tag("lab")
class ClusterTrafficLabTest {
    private static final String PREFIX = SharedLab.prefix("wsec");
    private static final int CLUSTER_PORT = 7800;
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration BACK_WITHIN = Duration.ofSeconds(30);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3));
    private WatchedLab watched;

    @BeforeEach
    void settle() {
        watched = WatchedLab.settle(lab.get());
    }

    @AfterEach
    void heal() {
        if (watched != null) watched.close();
    }

    @Test
    void forgedHeaderOnlyMessagesFromAHostWithoutTheKeyChangeNothing() throws Exception {
        int active = holder();
        long[] views = viewCounts();
        long[][] refusedBefore = refused("not_sealed", "forged");
        // The active node's real JGroups id, as an attacker who sniffed it before the upgrade would know it.
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("JGroups address of " + name(active) + ": ([0-9a-f-]{36})")
                .matcher(log(active));
        String uuid = null;
        while (id.find()) uuid = id.group(1);
        assertThat(uuid).as("the daemon logs its JGroups address").isNotNull();
        String out = attack(Duration.ofSeconds(30), "forge", lab.layout().clusterName(), Integer.toString(CLUSTER_PORT),
                nodeAddresses(), uuid);
        assertThat(out).as("the attacker's report").contains("sent ");
        stayFor(Duration.ofSeconds(3));
        assertThat(viewCounts()).as("no node installed a new view").isEqualTo(views);
        assertThat(watched.watch.holders()).containsExactly(active);
        assertThat(watched.watch.splitBrainNanos()).isZero();
        long[][] refusedAfter = refused("not_sealed", "forged");
        for (int i = 0; i < 3; i++) {
            assertThat(refusedAfter[i][0] - refusedBefore[i][0]).as("%s refused the forged JGroups messages", name(i + 1)).isGreaterThanOrEqualTo(200);
            assertThat(refusedAfter[i][1] - refusedBefore[i][1]).as("%s refused the keyless sealed frames", name(i + 1)).isGreaterThanOrEqualTo(50);
        }
    }

    @Test
    void replayedCapturesDoNotKeepACutOffNodesLease() throws Exception {
        int victim = holder();
        long[][] before = refused(REPLAY_REASONS);
        Path pcap = capture(victim, "dst", Duration.ofSeconds(4));
        Faults.Injected cut = cutOff(victim);
        Process replay = start("replay", pcap.toString(), Integer.toString(CLUSTER_PORT), "12");
        try {
            long gone = awaitVipGoneFrom(victim, cut, Duration.ofMillis(1_500));
            System.err.println("VIP left the cut-off " + name(victim) + " " + (gone - cut.effectiveNanos()) / 1_000_000
                    + " ms after the cut, with the replay running");
            // The cut-off node served until its VIP left: only an answer asked for after that counts.
            var back = watched.prober.awaitGoodAnswer(gone, BACK_WITHIN);
            assertThat(back).as("service answers after the VIP left the cut-off node\n%s", lab.cluster().logTails(20)).isPresent();
            assertThat(back.get().detail()).isNotEqualTo("served by " + name(victim));
            assertThat(watched.watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
            assertThat(replay.isAlive()).as("the replay still runs").isTrue();
            assertThat(watched.watch.holders()).hasSize(1).doesNotContain(victim);
            assertThat(watched.watch.splitBrainNanos()).isZero();
        } finally {
            String out = finish(replay, Duration.ofSeconds(30));
            Files.deleteIfExists(pcap);
            assertThat(out).as("the attacker's report").contains("sent ");
        }
        assertThat(watched.watch.splitBrainNanos()).isZero();
        assertThat(sum(refused(REPLAY_REASONS)[victim - 1]) - sum(before[victim - 1])).as("replays refused by %s", name(victim))
                .isGreaterThan(100);
    }

    @Test
    void replayingADeadDaemonsCapturedTrafficDoesNotHideItsDeath() throws Exception {
        int victim = holder();
        long[][] before = refused(REPLAY_REASONS);
        Path pcap = capture(victim, "src", Duration.ofSeconds(4));
        Faults.Injected kill = watched.faults.killDaemon(victim);
        Process replay = start("replay", pcap.toString(), Integer.toString(CLUSTER_PORT), "12");
        try {
            var back = watched.prober.awaitGoodAnswerNotFrom(name(victim), kill.effectiveNanos(), Duration.ofSeconds(5));
            assertThat(back).as("another node serves within 5 s of the daemon's death, the replay running\n%s",
                    lab.cluster().logTails(20)).isPresent();
            System.err.println("service back on another node " + (back.get().endNanos() - kill.effectiveNanos()) / 1_000_000
                    + " ms after SIGKILL to the daemon, its own captured traffic being replayed");
            assertThat(replay.isAlive()).as("the replay still runs").isTrue();
            assertThat(watched.watch.splitBrainNanos()).isZero();
        } finally {
            String out = finish(replay, Duration.ofSeconds(30));
            Files.deleteIfExists(pcap);
            assertThat(out).as("the attacker's report").contains("sent ");
        }
        long[][] after = refused(REPLAY_REASONS);
        for (int i = 1; i <= 3; i++) {
            if (i != victim) assertThat(sum(after[i - 1]) - sum(before[i - 1])).as("replays refused by %s", name(i)).isGreaterThan(50);
        }
    }

    @Test
    void aGarbageFloodLeavesTheViewAndTheLogsAloneAndAFailoverStillWorks() throws Exception {
        int active = holder();
        long[] views = viewCounts();
        long[] logSizes = logSizes();
        Process flood = start("flood", Integer.toString(CLUSTER_PORT), nodeAddresses(), "20000", "15");
        try {
            stayFor(Duration.ofSeconds(5));
            assertThat(viewCounts()).as("no node installed a new view during 5 s of flood").isEqualTo(views);
            assertThat(watched.watch.holders()).containsExactly(active);
            Faults.Injected kill = watched.faults.kill(active);
            ProbeResult back = watched.awaitBack(kill, BACK_WITHIN);
            System.err.println("service back " + (back.endNanos() - kill.effectiveNanos()) / 1_000_000
                    + " ms after the power loss, during the flood: " + back.detail());
            assertThat(back.detail()).isNotEqualTo("served by " + name(active));
            assertThat(watched.watch.splitBrainNanos()).isZero();
        } finally {
            String out = finish(flood, Duration.ofSeconds(40));
            System.err.println("flood: " + out);
            assertThat(Long.parseLong(out.substring(out.lastIndexOf("sent ") + "sent ".length()).trim())).as("datagrams sent in 15 s")
                    .isGreaterThan(250_000);
        }
        long[] after = logSizes();
        for (int i = 1; i <= 3; i++) {
            System.err.println(name(i) + " log grew " + (after[i - 1] - logSizes[i - 1]) + " bytes during the flood");
            if (i != active) assertThat(after[i - 1] - logSizes[i - 1]).as("log growth of %s", name(i)).isLessThan(1_000_000);
            if (i != active) assertThat(logSince(i, logSizes)).contains("refused a cluster datagram from " + lab.layout().clientAddress() + ": ");
        }
        assertThat(watched.watch.splitBrainNanos()).isZero();
    }

    private static final String[] REPLAY_REASONS = {"replayed", "behind_window", "stale", "old_epoch"};

    /** Per node, haven_cluster_datagrams_refused_total for each reason, from its /metrics (null if it does not answer). */
    private long[][] refused(String... reasons) {
        long[][] out = new long[lab.layout().nodes()][reasons.length];
        for (int i = 1; i <= out.length; i++) {
            var reply = Http.get(lab.layout().nodeNamespace(i), "http://127.0.0.1:7480/metrics", Duration.ofSeconds(5)).filter(Http.Reply::ok);
            if (reply.isEmpty()) {
                out[i - 1] = null; // a dead daemon; the callers look at live ones
                continue;
            }
            String text = reply.get().body();
            for (int r = 0; r < reasons.length; r++) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "haven_cluster_datagrams_refused_total\\{reason=\"" + reasons[r] + "\"\\} (\\d+)").matcher(text);
                assertThat(m.find()).as("%s's /metrics counts %s", name(i), reasons[r]).isTrue();
                out[i - 1][r] = Long.parseLong(m.group(1));
            }
        }
        return out;
    }

    private static long sum(long[] values) {
        return java.util.Arrays.stream(values).sum();
    }

    private int holder() {
        List<Integer> h = watched.watch.holders();
        assertThat(h).as("VIP holders").hasSize(1);
        return h.get(0);
    }

    private String name(int node) {
        return lab.layout().nodeName(node);
    }

    private String nodeAddresses() {
        List<String> a = new ArrayList<>();
        for (int i = 1; i <= lab.layout().nodes(); i++) a.add(lab.layout().nodeAddress(i));
        return String.join(",", a);
    }

    private Path logPath(int node) {
        return lab.cluster().state().log(name(node));
    }

    private String log(int node) throws IOException {
        return Files.readString(logPath(node), StandardCharsets.UTF_8);
    }

    /** What the node logged after the sizes were taken. */
    private String logSince(int node, long[] sizes) throws IOException {
        byte[] all = Files.readAllBytes(logPath(node));
        int from = (int) Math.min(all.length, sizes[node - 1]);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    private long[] logSizes() throws IOException {
        long[] s = new long[lab.layout().nodes()];
        for (int i = 1; i <= s.length; i++) s[i - 1] = Files.size(logPath(i));
        return s;
    }

    /** How many views each node has installed (the daemon logs a line for each). */
    private long[] viewCounts() throws IOException {
        long[] v = new long[lab.layout().nodes()];
        for (int i = 1; i <= v.length; i++) v[i - 1] = log(i).lines().filter(l -> l.contains(" jgroups view ")).count();
        return v;
    }

    /** Watches for the given time that the VIP never has two holders. */
    private void stayFor(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            assertThat(watched.watch.splitBrainNanos()).isZero();
            Pids.sleep(50);
        }
    }

    /** Cuts the node off from every peer; the client host, where the attacker is, still reaches it. */
    private Faults.Injected cutOff(int node) {
        long at = 0;
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            if (i == node) continue;
            lab.network().cut(node, i);
            if (at == 0) at = System.nanoTime();
        }
        return new Faults.Injected(name(node) + " cut off from its peers (the client host still reaches it)", at);
    }

    /** The datagrams sent to ("dst") or by ("src") the node, captured for the given time on its bridge port. */
    private Path capture(int node, String direction, Duration d) throws Exception {
        Path pcap = Files.createTempFile("wsec-", ".pcap");
        Process tcpdump = new ProcessBuilder("tcpdump", "-i", lab.layout().nodePort(node), "-U", "-w", pcap.toString(),
                "udp and dst port " + CLUSTER_PORT + " and " + direction + " host " + lab.layout().nodeAddress(node))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Pids.sleep(d.toMillis());
        tcpdump.destroy();
        assertThat(tcpdump.waitFor(10, TimeUnit.SECONDS)).as("tcpdump stops").isTrue();
        assertThat(Files.size(pcap)).as("captured datagrams").isGreaterThan(10_000);
        return pcap;
    }

    private long awaitVipGoneFrom(int node, Faults.Injected fault, Duration within) {
        long deadline = fault.effectiveNanos() + within.toNanos();
        while (watched.watch.holders().contains(node)) {
            assertThat(System.nanoTime()).as("VIP still on %s %d ms after: %s\n%s", name(node), within.toMillis(),
                    fault.description(), lab.cluster().logTails(20)).isLessThan(deadline);
            Pids.sleep(5);
        }
        return System.nanoTime();
    }

    private static Process start(String... args) throws IOException {
        List<String> java = HavenRuntime.current().javaCommand(HavenRuntime.proberOptions(), ClusterAttacker.class.getName(), List.of(args));
        List<String> cmd = new ArrayList<>(java);
        int cp = cmd.indexOf("-cp");
        cmd.set(cp + 1, System.getProperty("java.class.path")); // the attacker lives in the test classes
        return new ProcessBuilder(Netns.execIn(lab.layout().clientNamespace(), cmd.toArray(String[]::new)))
                .redirectErrorStream(true).start();
    }

    private static String finish(Process p, Duration timeout) throws Exception {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the attacker did not finish within " + timeout.toSeconds() + " s");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    private static String attack(Duration timeout, String... args) throws Exception {
        return finish(start(args), timeout);
    }
}
