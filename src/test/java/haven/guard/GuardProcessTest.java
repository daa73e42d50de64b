package haven.guard;

import static org.assertj.core.api.Assertions.assertThat;

import haven.process.ProcessGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real guard process, native and Java, against real process groups: a {@code sleep} stands in for a service,
 * another for the daemon (so the guard's kill of a silent daemon hits a process this test owns).
 */
class GuardProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<Process> started = new ArrayList<>();
    @TempDir Path dir;

    @AfterEach
    void cleanUp() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private ProcessGroup service() throws IOException {
        ProcessGroup g = ProcessGroup.start(new ProcessBuilder("sleep", "600"));
        started.add(g.process());
        return g;
    }

    private Process fakeDaemon() throws IOException {
        Process p = new ProcessBuilder("sleep", "600").start();
        started.add(p);
        return p;
    }

    private Process guard(GuardKind kind, long daemonPid, long hangLimitMs) throws IOException {
        Process p = new ProcessBuilder(kind.command(String.valueOf(daemonPid), String.valueOf(hangLimitMs), "t1"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("guard.log").toFile()).start();
        started.add(p);
        return p;
    }

    private static void say(Process guard, String... lines) throws IOException {
        for (String l : lines) guard.getOutputStream().write((l + "\n").getBytes(StandardCharsets.UTF_8));
        guard.getOutputStream().flush();
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("guard.log"));
    }

    private static long now() {
        return System.nanoTime() / 1_000_000L;
    }

    /** A guard with a "watchdog device": here a plain file, which shows what the guard wrote to it. */
    private Process guardWithWatchdog(GuardKind kind, long daemonPid, Path device, boolean withoutIp) throws IOException {
        ProcessBuilder b = new ProcessBuilder(kind.command(String.valueOf(daemonPid), "60000", "t1", device.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("guard.log").toFile());
        // Without `ip` on the PATH no address can be forced off: the case where something may still run.
        if (withoutIp) b.environment().put("PATH", dir.toString());
        Process p = b.start();
        started.add(p);
        return p;
    }

    @ParameterizedTest
    @EnumSource(GuardKind.class)
    void theWatchdogIsPettedWhileTheGuardWatchesAndDisarmedWhenNothingCanStillRun(GuardKind kind) throws Exception {
        Path device = dir.resolve("watchdog");
        Files.createFile(device);
        Process guard = guardWithWatchdog(kind, fakeDaemon().pid(), device, false);
        long until = System.nanoTime() + WAIT.toNanos();
        while (Files.size(device) < 3 && System.nanoTime() < until) Thread.sleep(100);
        assertThat(Files.readString(device)).as("a pet on every turn of the loop, at least one a second").startsWith("...");
        guard.getOutputStream().close();
        assertThat(guard.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(Files.readString(device)).endsWith("V");
        assertThat(log()).contains("watchdog " + device + " armed").contains("watchdog disarmed");
    }

    @ParameterizedTest
    @EnumSource(GuardKind.class)
    void aGuardThatCannotForceSomethingOffLeavesTheWatchdogArmedSoTheMachineIsReset(GuardKind kind) throws Exception {
        Path device = dir.resolve("watchdog");
        Files.createFile(device);
        Process guard = guardWithWatchdog(kind, fakeDaemon().pid(), device, true);
        say(guard, "deadline " + (now() + 60_000), "arm vip address:10.254.254.254/32");
        long until = System.nanoTime() + WAIT.toNanos();
        while (Files.size(device) < 1 && System.nanoTime() < until) Thread.sleep(100);
        guard.getOutputStream().close();
        assertThat(guard.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(log()).contains("NOT removed").contains("WATCHDOG left armed");
        assertThat(Files.readString(device)).as("no magic close").isNotEmpty().doesNotContain("V");
    }

    @ParameterizedTest
    @EnumSource(GuardKind.class)
    void aDeviceThatCannotBeOpenedIsSaidAndTheGuardWatchesAllTheSame(GuardKind kind) throws Exception {
        Process guard = guardWithWatchdog(kind, fakeDaemon().pid(), dir.resolve("no/such/watchdog"), false);
        long until = System.nanoTime() + WAIT.toNanos();
        while (!log().contains("NOT armed") && System.nanoTime() < until) Thread.sleep(50);
        assertThat(log()).contains("NOT armed");
        assertThat(guard.isAlive()).isTrue();
    }

    /** Run as root (as the lab and CI run): the guard must not be starved on a saturated machine. */
    @ParameterizedTest
    @EnumSource(GuardKind.class)
    void theGuardRunsOnTheRealTimeSchedulerWhenItMay(GuardKind kind) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        Process daemon = fakeDaemon();
        Process guard = guard(kind, daemon.pid(), 60_000);
        long until = System.nanoTime() + WAIT.toNanos();
        while (!log().contains("watching daemon PID") && System.nanoTime() < until) Thread.sleep(50);
        assertThat(log()).contains("running at real-time priority (SCHED_RR 50)");
        String stat = Files.readString(Path.of("/proc/" + guard.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertThat(fields[41 - 3]).as("scheduling policy in /proc/PID/stat (2 = SCHED_RR)").isEqualTo("2");
    }

    @ParameterizedTest
    @EnumSource(GuardKind.class)
    void whenTheDaemonsPipeClosesTheArmedGroupIsKilledAtOnce(GuardKind kind) throws Exception {
        ProcessGroup site = service();
        Process daemon = fakeDaemon();
        Process guard = guard(kind, daemon.pid(), 60_000);
        say(guard, "deadline " + (now() + 60_000), "arm site group:" + site.pgid());
        Thread.sleep(300);
        assertThat(site.isEmpty()).as("left alone while the daemon is there").isFalse();
        long closed = System.nanoTime();
        guard.getOutputStream().close();
        assertThat(site.awaitEmpty(WAIT)).isTrue();
        long tookMs = (System.nanoTime() - closed) / 1_000_000;
        assertThat(guard.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(guard.exitValue()).isZero();
        assertThat(daemon.isAlive()).as("a gone daemon is not killed again").isTrue();
        assertThat(log()).contains("forcing off [site]: the daemon is gone").contains("process group " + site.pgid() + " killed");
        System.out.println("guard: pipe closed -> group gone in " + tookMs + " ms");
    }

    @ParameterizedTest
    @EnumSource(GuardKind.class)
    void aPassedDeadlineForcesOffWhileTheDaemonLivesAndALaterDeadlineRearmsTheWatch(GuardKind kind) throws Exception {
        ProcessGroup first = service();
        Process daemon = fakeDaemon();
        Process guard = guard(kind, daemon.pid(), 60_000);
        say(guard, "arm site group:" + first.pgid(), "deadline " + (now() + 300));
        assertThat(first.awaitEmpty(WAIT)).isTrue();
        assertThat(guard.isAlive()).isTrue();
        // The daemon restarts the service under a new lease, with new steps for the same armed resource.
        ProcessGroup second = service();
        say(guard, "deadline " + (now() + 60_000), "arm site group:" + second.pgid());
        Thread.sleep(300);
        assertThat(second.isEmpty()).isFalse();
        say(guard, "deadline " + (now() + 200));
        assertThat(second.awaitEmpty(WAIT)).isTrue();
        say(guard, "disarm site", "bye");
        assertThat(guard.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(daemon.isAlive()).isTrue();
        assertThat(log()).contains("deadline passed");
    }

    @ParameterizedTest
    @EnumSource(GuardKind.class)
    void anOrderlyExitForcesOffOnlyWhatTheDaemonFailedToStop(GuardKind kind) throws Exception {
        ProcessGroup stopped = service();
        ProcessGroup stuck = service();
        Process guard = guard(kind, fakeDaemon().pid(), 60_000);
        say(guard, "deadline " + (now() + 60_000), "arm a group:" + stopped.pgid(), "arm b group:" + stuck.pgid(), "disarm a",
                "shutdown " + (now() + 60_000), "bye");
        assertThat(stuck.awaitEmpty(WAIT)).isTrue();
        assertThat(guard.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(stopped.isEmpty()).as("disarmed: not the guard's to kill").isFalse();
        assertThat(log()).contains("forcing off [b]").doesNotContain("forcing off [a");
    }

    @ParameterizedTest
    @EnumSource(GuardKind.class)
    void aSilentDaemonIsKilledAfterItsResourcesAreForcedOff(GuardKind kind) throws Exception {
        ProcessGroup site = service();
        Process daemon = fakeDaemon();
        Process guard = guard(kind, daemon.pid(), 500);
        say(guard, "deadline " + (now() + 60_000), "arm site group:" + site.pgid());
        assertThat(daemon.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("silent daemon killed").isTrue();
        assertThat(site.awaitEmpty(WAIT)).isTrue();
        assertThat(log()).contains("silent too long").contains("killing the silent daemon (PID " + daemon.pid() + ")");
    }

    @ParameterizedTest
    @EnumSource(GuardKind.class)
    void aGarbledLineIsLoggedAndIgnoredAndTheWatchGoesOn(GuardKind kind) throws Exception {
        ProcessGroup site = service();
        Process guard = guard(kind, fakeDaemon().pid(), 60_000);
        say(guard, "arm site group:" + site.pgid(), "arm site group:nope", "deadline " + (now() + 300));
        assertThat(site.awaitEmpty(WAIT)).isTrue();
        assertThat(log()).contains("ignored a bad line from the daemon: 'group:nope'");
        guard.getOutputStream().close();
        assertThat(guard.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    /**
     * A daemon killed just after it forked a start (issue 13): the guard's first pass finds no record yet; the
     * shell writes it a moment later, and the guard's second look ends the group.
     */
    @ParameterizedTest
    @EnumSource(GuardKind.class)
    void aStartRecordedOnlyAfterTheDaemonIsGoneIsEndedByTheSecondLook(GuardKind kind) throws Exception {
        Path record = dir.resolve("web.pgid");
        Process guard = guard(kind, fakeDaemon().pid(), 60_000);
        say(guard, "deadline " + (now() + 60_000), "arm web recorded:" + record);
        guard.getOutputStream().close();
        long until = System.nanoTime() + WAIT.toNanos();
        while (!log().contains("no living process group recorded") && System.nanoTime() < until) Thread.sleep(5);
        assertThat(log()).as("the first pass found nothing").contains("no living process group recorded");
        ProcessGroup late = ProcessGroup.start(new ProcessBuilder(haven.process.RecordedGroup.launcher(record, "sleep 600 & exec sleep 600")));
        started.add(late.process());
        assertThat(late.awaitEmpty(WAIT)).as("the second look ends it\n%s", log()).isTrue();
        assertThat(guard.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(log()).contains("second look:");
    }
}
