package haven.executor.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.config.ResourceConfig;
import haven.core.ResourceId;
import haven.core.AgentResult.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessAgentTest {
    private static final Duration T = Duration.ofSeconds(10);
    /** A cluster name of this JVM's own, so that no other test run's processes carry the same marker. */
    private static final String RUN_DIR = System.getProperty("haven.run.dir", "/run/haven");
    private static final Map<String, String> MARKED = Map.of("HAVEN_CLUSTER", "test" + ProcessHandle.current().pid(), "HAVEN_NODE", "n1");

    @TempDir
    Path dir;

    private final List<ProcessAgent> started = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        for (ProcessAgent a : started) a.stop(Duration.ofSeconds(5));
    }

    @org.junit.jupiter.api.AfterAll
    static void removeRecords() throws IOException {
        Path records = Path.of(RUN_DIR, MARKED.get("HAVEN_CLUSTER"));
        if (!Files.exists(records)) return;
        try (var walk = Files.walk(records)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private ProcessAgent agent(Map<String, String> params) {
        var rc = new ResourceConfig(ResourceId.of("web"), "process", params, T, T, Duration.ofSeconds(5), T);
        ProcessAgent a = new ProcessAgent(rc, MARKED);
        started.add(a);
        return a;
    }

    private int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** nginx in the foreground, everything under the test's temp dir, two workers. */
    private ProcessAgent nginx(int port) throws IOException {
        Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes 2;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        location / { return 200 "hello from nginx\\n"; }
                    }
                }
                """.formatted(dir, port));
        String cmd = "exec /usr/sbin/nginx -e %1$s/error.log -p %1$s -c %1$s/nginx.conf -g 'daemon off; pid %1$s/nginx.pid;'".formatted(dir);
        return agent(Map.of("command", cmd, "check", "http://127.0.0.1:" + port + "/", "log", dir.resolve("out.log").toString()));
    }

    private long nginxMaster() throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("nginx.pid")).strip());
    }

    private static List<Long> children(long pid) {
        return ProcessHandle.of(pid).map(h -> h.children().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    /** Gone, or a zombie waiting for a reaper that is not ours. */
    static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return true;
        }
    }

    static boolean awaitGone(List<Long> pids, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (pids.stream().allMatch(ProcessAgentTest::gone)) return true;
            Thread.sleep(5);
        }
        return pids.stream().allMatch(ProcessAgentTest::gone);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theStartsGenerationReachesTheProgramAndTheGuardLearnsItsProcessGroup() throws Exception {
        Path out = dir.resolve("generation.txt");
        ProcessAgent a = agent(Map.of("command", "echo \"$HAVEN_GENERATION\" > " + out + "; exec sleep 600"));
        AtomicReference<Integer> changes = new AtomicReference<>(0);
        a.onForceOffChanged(() -> changes.updateAndGet(n -> n + 1));
        var known = List.of(new haven.core.ForceOff.KillRecordedGroup(RUN_DIR + "/" + a.marker() + ".pgid"),
                new haven.core.ForceOff.KillMarked(a.marker()));
        assertThat(a.forceOff()).as("known before the start").isEqualTo(known);
        assertThat(a.start(T, 42).status()).isEqualTo(Status.OK);
        // The shell writes the file after the launch that start() waits for: wait for it, not for a guess.
        long until = System.nanoTime() + T.toNanos();
        while (!(Files.exists(out) && Files.readString(out).endsWith("\n")) && System.nanoTime() < until) Thread.sleep(10);
        assertThat(Files.readString(out).strip()).isEqualTo("42");
        assertThat(changes.get()).as("told at launch").isEqualTo(1);
        assertThat(a.forceOff()).hasSize(3).first().isInstanceOf(haven.core.ForceOff.KillGroup.class);
        assertThat(a.forceOff()).containsAll(known);
        assertThat(a.stop(T).status()).isEqualTo(Status.OK);
        assertThat(a.forceOff()).isEqualTo(known);
    }

    @Test
    void nginxStartsServesIsMonitoredAndStopsWithAllItsWorkers() throws Exception {
        int port = freePort();
        ProcessAgent a = nginx(port);
        assertThat(a.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);

        long t0 = System.nanoTime();
        var start = a.start(T);
        System.out.printf("nginx start took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(start.status()).as(start.detail()).isEqualTo(Status.OK);
        assertThat(HealthCheck.parse("http://127.0.0.1:" + port + "/").probe(T)).isEmpty();
        assertThat(a.monitor(T).status()).isEqualTo(Status.OK);

        long master = nginxMaster();
        List<Long> all = new ArrayList<>(children(master));
        assertThat(all).hasSize(2);
        all.add(master);

        var stop = a.stop(T);
        assertThat(stop.status()).as(stop.detail()).isEqualTo(Status.OK);
        assertThat(all).allMatch(ProcessAgentTest::gone);
        assertThat(accepts(port)).isFalse();
        assertThat(a.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
        assertThat(a.stop(T).status()).as("stopping a stopped resource").isEqualTo(Status.OK);
    }

    @Test
    void sigkilledMasterIsNoticedAtOnceAndItsWorkersAreKilled() throws Exception {
        int port = freePort();
        ProcessAgent a = nginx(port);
        AtomicReference<CountDownLatch> firedRef = new AtomicReference<>(new CountDownLatch(1));
        AtomicLong firedAtNs = new AtomicLong();
        AtomicReference<String> reason = new AtomicReference<>();
        a.onUnexpectedFailure(why -> {
            firedAtNs.set(System.nanoTime());
            reason.set(why);
            firedRef.get().countDown();
        });
        assertThat(a.start(T).status()).isEqualTo(Status.OK);
        long master = nginxMaster();
        List<Long> workers = children(master);
        assertThat(workers).hasSize(2);

        // Three rounds: the first one pays for class loading and the JDK's first process-exit machinery.
        for (int round = 1; round <= 3; round++) {
            long killedAtNs = System.nanoTime();
            ProcessHandle.of(master).orElseThrow().destroyForcibly(); // SIGKILL: workers are orphaned, keep the port
            assertThat(firedRef.get().await(5, TimeUnit.SECONDS)).isTrue();
            long listenerMs = (firedAtNs.get() - killedAtNs) / 1_000_000;
            assertThat(awaitGone(workers, Duration.ofSeconds(3))).as("workers %s gone", workers).isTrue();
            long workersGoneMs = (System.nanoTime() - killedAtNs) / 1_000_000;
            System.out.printf("round %d: SIGKILL -> failure listener: %d ms; -> workers gone: %d ms; reason: %s%n",
                    round, listenerMs, workersGoneMs, reason.get());

            // "At once" means by the process-exit hook, not by the next monitor (every T = 10 s): a bound far
            // below T that a loaded machine still meets (the printed figure is the measurement; ~1 ms idle).
            assertThat(listenerMs).isLessThan(T.toMillis() / 5);
            assertThat(reason.get()).contains("signal 9");
            assertThat(a.monitor(T).status()).isEqualTo(Status.FAILED);
            assertThat(a.stop(T).status()).isEqualTo(Status.OK);
            assertThat(a.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
            // The port is free again: a restart binds.
            assertThat(a.start(T).status()).isEqualTo(Status.OK);
            firedRef.set(new CountDownLatch(1));
            master = nginxMaster();
            workers = children(master);
            assertThat(workers).hasSize(2);
        }
    }

    @Test
    void exitDuringStartIsFailedWithItsLastOutput() {
        ProcessAgent a = agent(Map.of("command", "echo configuration broken >&2; exit 3"));
        var r = a.start(T);
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail()).contains("exit code 3").contains("configuration broken");
        assertThat(a.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
    }

    @Test
    void startPastTheTimeoutKillsTheGroupAndIsTimeout() throws Exception {
        int port = freePort(); // nothing listens there
        Path pids = dir.resolve("pids");
        ProcessAgent a = agent(Map.of("command", "sleep 1000 & echo $! > " + pids + "; wait", "check", "tcp:127.0.0.1:" + port));
        long t0 = System.nanoTime();
        var r = a.start(Duration.ofMillis(300));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.TIMEOUT);
        assertThat(r.detail()).contains("tcp 127.0.0.1:" + port);
        assertThat(ms).as("waited the timeout, then not much longer").isBetween(300L, 5000L);
        assertThat(gone(Long.parseLong(Files.readString(pids).strip()))).isTrue();
        assertThat(a.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
    }

    @Test
    void withoutACheckAProcessThatStaysUpIsStarted() throws Exception {
        ProcessAgent a = agent(Map.of("command", "echo started; exec sleep 1000", "cwd", dir.toString()));
        long t0 = System.nanoTime();
        assertThat(a.start(T).status()).isEqualTo(Status.OK);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("waited the settle time, and not for the process to end").isBetween(100L, 5000L);
        assertThat(a.monitor(T).status()).isEqualTo(Status.OK);
        assertThat(a.stop(Duration.ofSeconds(2)).status()).isEqualTo(Status.OK);
    }

    @Test
    void stopEscalatesToSigkillForAProcessThatIgnoresSigterm() {
        ProcessAgent a = agent(Map.of("command", "trap '' TERM; while :; do sleep 0.05; done"));
        assertThat(a.start(T).status()).isEqualTo(Status.OK);
        long t0 = System.nanoTime();
        var r = a.stop(Duration.ofMillis(800));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.OK);
        assertThat(ms).as("escalated after the timeout instead of waiting for the process").isBetween(600L, 5000L);
    }

    @Test
    void outputGoesToTheLogFile() throws Exception {
        Path logFile = dir.resolve("app.log");
        ProcessAgent a = agent(Map.of("command", "echo hello-log; exec sleep 1000", "log", logFile.toString()));
        assertThat(a.start(T).status()).isEqualTo(Status.OK);
        assertThat(Files.readString(logFile)).contains("hello-log");
    }

    @Test
    void badParametersAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> agent(Map.of())).hasMessageContaining("'command' is required");
        assertThatThrownBy(() -> agent(Map.of("command", "true", "chek", "tcp:1.2.3.4:5"))).hasMessageContaining("unknown parameter 'chek'");
        assertThatThrownBy(() -> agent(Map.of("command", "true", "check", "ftp://x"))).hasMessageContaining("check").hasMessageContaining("tcp:HOST:PORT");
        assertThatThrownBy(() -> agent(Map.of("command", "true", "log", "rel/file"))).hasMessageContaining("absolute");
    }

    /**
     * The outside measurement (issue 13): a daemon killed as nginx started left it running, and the restarted
     * daemon's own nginx failed to bind while the leftover answered its check, so it reported "started". Here
     * the first agent stands for the dead daemon's; the second, with the same marker, for the restarted one's.
     */
    @Test
    void aLeftoverOfAnEarlierRunIsReportedByTheProbeAndEndedBeforeTheNextStart() throws Exception {
        int port = freePort();
        ProcessAgent earlier = nginx(port);
        assertThat(earlier.start(T).status()).isEqualTo(Status.OK);
        long leftoverMaster = nginxMaster();
        List<Long> leftovers = new ArrayList<>(children(leftoverMaster));
        leftovers.add(leftoverMaster);
        ProcessAgent restarted = nginx(port);
        var probe = restarted.monitor(T);
        assertThat(probe.status()).as("the probe finds what it did not start").isEqualTo(Status.FAILED);
        assertThat(probe.detail()).contains("left over").contains(String.valueOf(leftoverMaster));
        assertThat(restarted.start(T).status()).isEqualTo(Status.OK);
        assertThat(awaitGone(leftovers, T)).as("the leftover nginx %s is ended before the new start", leftovers).isTrue();
        assertThat(nginxMaster()).isNotEqualTo(leftoverMaster);
        assertThat(restarted.monitor(T).status()).isEqualTo(Status.OK);
        // nginx writes its title over its environment, so the marker is gone there: the recorded group finds it.
        assertThat(new haven.process.RecordedGroup(Path.of(RUN_DIR, restarted.marker() + ".pgid")).members()).contains(nginxMaster());
    }

    @Test
    void aStopWithNothingLaunchedHereStillEndsALeftover() throws Exception {
        ProcessAgent earlier = agent(Map.of("command", "sleep 600 & exec sleep 600"));
        assertThat(earlier.start(T).status()).isEqualTo(Status.OK);
        List<Long> marked = haven.process.MarkedProcesses.find(earlier.marker());
        assertThat(marked).hasSize(2);
        ProcessAgent restarted = agent(Map.of("command", "sleep 600 & exec sleep 600"));
        assertThat(restarted.stop(T).status()).isEqualTo(Status.OK);
        assertThat(awaitGone(marked, T)).isTrue();
        assertThat(restarted.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
    }
}
