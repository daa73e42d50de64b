package haven.guard;

import haven.core.MountTable;

import static org.assertj.core.api.Assertions.assertThat;

import haven.process.MarkedProcesses;
import haven.process.ProcessGroup;
import haven.process.RecordedGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native guard and the Java guard driven through the same scripted scenarios over a real pipe, against real
 * processes (and a real address in a network namespace this test creates): each run must reach the outcome the
 * scenario asserts, and the two guards' logs, with times and process ids put in words, must read the same. This is
 * what keeps haven-guard.c in line with GuardMain and GuardState. Without a built native guard the Java half still
 * runs and the comparison is skipped, visibly.
 */
class GuardConformanceTest {
    private static final long FAR = 600_000;
    @TempDir Path dir;

    /** Runs {@code scenario} with each guard and compares what they logged. */
    /** A service armed under a far deadline, with a guard that calls its daemon hung after 500 ms of silence. */
    private static ProcessGroup siteArmedUnderAHalfSecondHangLimit(GuardRun g) throws IOException {
        ProcessGroup site = g.service("site");
        g.start(500);
        g.say("deadline " + (GuardRun.now() + FAR), "arm site group:" + site.pgid());
        return site;
    }

    private void both(Scenario scenario) throws Exception {
        List<String> java = run(GuardKind.JAVA, scenario);
        Assumptions.assumeTrue(GuardCommand.nativeBinary().isPresent(), "the native guard was not built (no C compiler): Java half only");
        List<String> nat = run(GuardKind.NATIVE, scenario);
        assertThat(nat).as("the native guard's log against the Java guard's").isEqualTo(java);
        System.out.println("both guards logged:\n  " + String.join("\n  ", nat));
    }

    /**
     * The scenario on each guard, without comparing their logs: for a race whose winner is timing (whether the first
     * look or the second finds a process in the middle of an exec), what both must do is asserted in the scenario.
     */
    private void eachGuard(Scenario scenario) throws Exception {
        run(GuardKind.JAVA, scenario);
        Assumptions.assumeTrue(GuardCommand.nativeBinary().isPresent(), "the native guard was not built (no C compiler): Java half only");
        run(GuardKind.NATIVE, scenario);
    }

    private List<String> run(GuardKind kind, Scenario scenario) throws Exception {
        Path sub = Files.createDirectories(dir.resolve(kind.name().toLowerCase()));
        try (GuardRun g = new GuardRun(kind, sub)) {
            scenario.play(g);
            return g.transcript();
        }
    }

    interface Scenario {
        void play(GuardRun g) throws Exception;
    }

    @Test
    void aPassedDeadlineKillsTheGroupAndRemovesTheAddressButALaterDeadlineSupersedesIt() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for a network namespace");
        try (Netns ns = new Netns("cgconf" + ProcessHandle.current().pid() % 100_000)) {
            ns.ip("link", "add", "cgd0", "type", "veth", "peer", "name", "cgd1");
            ns.ip("link", "set", "cgd0", "up");
            both(g -> {
                ns.ip("addr", "add", "10.77.0.5/24", "dev", "cgd0");
                ProcessGroup web = g.service("web");
                g.startIn(ns.name, 60_000);
                g.say("deadline " + (GuardRun.now() + 200), "deadline " + (GuardRun.now() + FAR), "arm web group:" + web.pgid(),
                        "arm vip address:10.77.0.5/24");
                Thread.sleep(600); // past the first deadline, which the second replaced
                g.sync();
                assertThat(web.isEmpty()).as("a superseded deadline does not fire").isFalse();
                assertThat(ns.addresses()).contains("10.77.0.5/24");
                g.say("deadline " + (GuardRun.now() + 100));
                assertThat(web.awaitEmpty(GuardRun.WAIT)).as("group killed at the deadline\n%s", g.log()).isTrue();
                g.awaitLog("removed from cgd0");
                assertThat(ns.addresses()).doesNotContain("10.77.0.5/24");
                assertThat(g.process.isAlive()).as("the guard watches on after a deadline").isTrue();
                g.say("bye");
                g.awaitExit(0);
            });
        }
    }

    @Test
    void aDisarmedResourceIsLeftAloneAndByeForcesOffWhatIsStillArmed() throws Exception {
        both(g -> {
            ProcessGroup stopped = g.service("stopped");
            ProcessGroup stuck = g.service("stuck");
            g.start(60_000);
            g.say("deadline " + (GuardRun.now() + FAR), "arm a group:" + stopped.pgid(), "arm b group:" + stuck.pgid(), "disarm a", "bye");
            assertThat(stuck.awaitEmpty(GuardRun.WAIT)).isTrue();
            g.awaitExit(0);
            assertThat(stopped.isEmpty()).as("disarmed: not the guard's to kill").isFalse();
            assertThat(g.log()).contains("forcing off [b]: the daemon exited with resources it did not stop").contains("guard done");
        });
    }

    @Test
    void aDaemonSilentPastTheHangLimitIsKilledAfterItsResourcesAreForcedOff() throws Exception {
        both(g -> {
            ProcessGroup site = siteArmedUnderAHalfSecondHangLimit(g);
            assertThat(g.daemon.waitFor(GuardRun.WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).as("stand-in daemon killed").isTrue();
            assertThat(site.awaitEmpty(GuardRun.WAIT)).isTrue();
            g.awaitLog("killing the silent daemon");
            g.close(0);
        });
    }

    /** Lines keep the hang check away; after `shutdown` silence is expected and only the deadline stands. */
    @Test
    void aliveLinesKeepTheDaemonAliveAndAfterShutdownItsSilenceIsNoHang() throws Exception {
        both(g -> {
            ProcessGroup site = siteArmedUnderAHalfSecondHangLimit(g);
            long until = System.nanoTime() + 1_500_000_000L;
            while (System.nanoTime() < until) {
                g.say("alive");
                Thread.sleep(100);
            }
            g.say("shutdown " + (GuardRun.now() + FAR));
            Thread.sleep(1500); // three hang limits of silence
            g.sync();
            assertThat(g.daemon.isAlive()).as("not hung: it spoke, then said it stops\n%s", g.log()).isTrue();
            assertThat(site.isEmpty()).isFalse();
            g.close(0);
            assertThat(site.isEmpty()).isTrue();
        });
    }

    @Test
    void aClosedPipeForcesOffAtOnceAndTheGuardExitsCleanly() throws Exception {
        both(g -> {
            ProcessGroup site = g.service("site");
            g.start(60_000);
            g.say("deadline " + (GuardRun.now() + FAR), "arm site group:" + site.pgid(), "alive");
            g.sync();
            g.close(0);
            assertThat(site.isEmpty()).isTrue();
            assertThat(g.daemon.isAlive()).as("a daemon whose pipe closed is not killed").isTrue();
        });
    }

    @Test
    void garbledLinesAreLoggedAndIgnoredAndWhatWasSaidBeforeStillStands() throws Exception {
        both(g -> {
            ProcessGroup site = g.service("site");
            g.start(60_000);
            g.say("arm site group:" + site.pgid(), "arm site group:nope", "arm 9bad -", "frobnicate now", "deadline soon", "arm",
                    "arm x address:10.1.1.1", "arm x recorded:relative/path", "arm x marked:/x", "arm x group:1", "arm x pipe:5", "arm x unmount:/", "arm x unmount:rel/dir",
                    "deadline " + (GuardRun.now() + 200));
            assertThat(site.awaitEmpty(GuardRun.WAIT)).as("the earlier arm still stood\n%s", g.log()).isTrue();
            g.awaitLog("forcing off [site]");
            assertThat(g.log()).contains("ignored a bad line from the daemon: 'group:nope'");
            g.close(0);
        });
    }

    @Test
    void markedProcessesAndARecordedGroupAreKilledAndTheRecordRemoved() throws Exception {
        both(g -> {
            String marker = g.marker("web");
            ProcessGroup marked = g.markedService(marker);
            Path record = g.dir.resolve("db.pgid");
            ProcessGroup db = g.recordedService(record);
            g.start(60_000);
            g.say("deadline " + (GuardRun.now() + FAR), "arm web marked:" + marker, "arm db recorded:" + record);
            g.sync();
            g.close(0);
            assertThat(marked.isEmpty()).isTrue();
            assertThat(MarkedProcesses.find(marker)).isEmpty();
            assertThat(db.isEmpty()).isTrue();
            assertThat(record).as("the record of an ended group is removed").doesNotExist();
            assertThat(g.log()).contains("processes marked " + marker + " killed").contains("(recorded in " + record + ") killed");
        });
    }

    /**
     * A process in the middle of an exec reads an empty environment: the force-off looks again until it reads, so a
     * marked process is not missed for being caught exec'ing (the CI run that found it: a test service's sh caught in
     * its exec survived the deadline).
     */
    @Test
    void aMarkedProcessCaughtInAnExecIsStillKilled() throws Exception {
        for (int round = 0; round < 3; round++) {
            // Each guard alone: one may find the exec'ing process on its first look, the other only on its second
            // (a CI run saw the native guard kill it at once and the Java one a look later); both must kill it.
            eachGuard(g -> {
                String marker = g.marker("exec");
                ProcessGroup reexec = g.markedReexec(marker);
                g.start(60_000);
                g.say("deadline " + (GuardRun.now() + FAR), "arm exec marked:" + marker);
                g.sync();
                g.close(0);
                assertThat(reexec.awaitEmpty(java.time.Duration.ofSeconds(1))).as("killed at once\n%s", g.log()).isTrue();
                assertThat(g.log()).contains("processes marked " + marker + " killed");
            });
        }
    }

    /** A shared disk's mount: detached after the processes are killed, and a mount already gone is nothing to do. */
    @Test
    void aMountIsDetachedAfterTheProcessesAndAMissingOneIsNothingToDo() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount");
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        Path gone = Files.createDirectories(dir.resolve("gone"));
        try {
            both(g -> {
                Netns.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "haven-test", mnt.toString()));
                assertThat(MountTable.ofThisProcess()).contains(mnt.toString());
                String marker = g.marker("fs");
                ProcessGroup user = g.markedService(marker);
                g.start(60_000);
                g.say("deadline " + (GuardRun.now() + FAR), "arm fs marked:" + marker + " unmount:" + mnt + " unmount:" + gone);
                g.sync();
                g.close(0);
                assertThat(user.isEmpty()).isTrue();
                assertThat(MountTable.ofThisProcess()).as("detached\n%s", g.log()).doesNotContain(mnt.toString());
                assertThat(g.log()).contains("mount on " + mnt + " detached").contains("no mount on " + gone + " here");
                assertThat(g.log().indexOf("processes marked")).as("processes first").isLessThan(g.log().indexOf("mount on " + mnt));
            });
        } finally {
            if (MountTable.ofThisProcess().contains(mnt.toString())) Netns.run(List.of("umount", "-l", mnt.toString()));
        }
    }

    /** A start in flight when the daemon died: nothing to find on the first pass, found by the second look. */
    @Test
    void theSweepCatchesProcessesStartedAfterTheFirstPass() throws Exception {
        both(g -> {
            String marker = g.marker("late");
            Path record = g.dir.resolve("late.pgid");
            g.unordered = true;
            g.start(60_000);
            g.say("deadline " + (GuardRun.now() + FAR), "arm late marked:" + marker + " recorded:" + record);
            g.sync();
            g.process.getOutputStream().close();
            g.awaitLog("no living process group recorded");
            ProcessGroup marked = g.markedService(marker);
            ProcessGroup recorded = g.recordedService(record);
            assertThat(marked.awaitEmpty(GuardRun.WAIT)).as("marked start ended by a second look\n%s", g.log()).isTrue();
            assertThat(recorded.awaitEmpty(GuardRun.WAIT)).as("recorded start ended by a second look\n%s", g.log()).isTrue();
            g.awaitExit(0);
            assertThat(g.log()).contains("second look:");
        });
    }

    /** A network namespace of this test's own (prefix cg), deleted at the end. */
    static final class Netns implements AutoCloseable {
        final String name;

        Netns(String name) throws IOException, InterruptedException {
            this.name = name;
            run(List.of("ip", "netns", "add", name));
        }

        void ip(String... args) throws IOException, InterruptedException {
            List<String> argv = new java.util.ArrayList<>(List.of("ip", "-n", name));
            argv.addAll(List.of(args));
            run(argv);
        }

        String addresses() throws IOException, InterruptedException {
            return run(List.of("ip", "-n", name, "-o", "-4", "addr", "show"));
        }

        static String run(List<String> argv) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(argv + ": " + out);
            return out;
        }

        @Override
        public void close() throws Exception {
            run(List.of("ip", "netns", "del", name));
        }
    }

    /** What may differ between two runs of one scenario: times, and the ids of the processes each run started. */
    static List<String> normalize(List<String> lines, Map<Long, String> names) {
        Pattern number = Pattern.compile("\\b\\d{2,18}\\b"); // longer ones (a temporary folder's name) are no ids
        return lines.stream()
                .map(l -> l.replaceFirst("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ", ""))
                .map(l -> l.replaceAll("running at normal priority: .*", "running at normal priority"))
                .map(l -> l.replaceAll("deadline passed -?\\d+ ms ago", "deadline passed N ms ago"))
                .map(l -> l.replaceAll("killed \\[[\\d, ]+\\]", "killed [PIDS]"))
                .map(l -> number.matcher(l).replaceAll(m -> names.getOrDefault(Long.parseLong(m.group()), m.group())))
                .toList();
    }
}
