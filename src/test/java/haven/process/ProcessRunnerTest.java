package haven.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {
    private final ProcessRunner runner = new ProcessRunner();

    @Test
    void commandRunsAsLeaderOfItsOwnProcessGroup() {
        var r = runner.run(List.of("sh", "-c", "echo $$ $(cut -d' ' -f5 /proc/$$/stat)"), Duration.ofSeconds(5));
        assertThat(r.ok()).as(r.describe()).isTrue();
        String[] pidAndPgid = r.output().strip().split(" ");
        assertThat(pidAndPgid[1]).isEqualTo(pidAndPgid[0]);
        assertThat(Long.parseLong(pidAndPgid[1])).isNotEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void exitCodeOutputAndEnvironmentAreReported() {
        var r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; echo $HV_X; exit 3"), Map.of("HV_X", "from-env"), Duration.ofSeconds(5));
        assertThat(r.timedOut()).isFalse();
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.output()).contains("out", "err", "from-env");
    }

    @Test
    void missingProgramIsExit127WithTheReason() {
        var r = runner.run(List.of("/nonexistent/hv-no-such-program"), Duration.ofSeconds(5));
        assertThat(r.exitCode()).isEqualTo(127);
        assertThat(r.describe()).contains("hv-no-such-program");
    }

    @Test
    void outputIsBoundedToTheLastBytes() {
        var small = new ProcessRunner(Duration.ofMillis(100), 1024);
        var r = small.run(List.of("sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done"), Duration.ofSeconds(10));
        assertThat(r.ok()).isTrue();
        assertThat(r.output().length()).isLessThanOrEqualTo(1024 + 5);
        assertThat(r.output()).startsWith("[...]").endsWith("line1999\n");
    }

    @Test
    void timeoutKillsTheWholeGroupIncludingGrandchildren(@TempDir Path dir) throws Exception {
        Path pids = dir.resolve("pids");
        // The shell starts a child, and a grandchild through a nested shell; the nested shell ignores SIGTERM
        // so that the SIGKILL step is exercised too.
        String script = "sleep 1000 & echo $! >> " + pids + "; "
                + "sh -c 'trap \"\" TERM; sleep 1000 & echo $! >> " + pids + "; echo $$ >> " + pids + "; while :; do sleep 1; done' & "
                + "echo $$ >> " + pids + "; wait";
        long t0 = System.nanoTime();
        var r = runner.run(List.of("sh", "-c", script), Duration.ofMillis(300));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("runner: 300 ms timeout, TERM-ignoring grandchild -> whole group gone, returned after %d ms%n", elapsedMs);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.ok()).isFalse();
        List<Long> spawned = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertThat(spawned).hasSize(4);
        for (long pid : spawned) {
            ProcStat s = ProcStat.read(pid);
            assertThat(s == null || s.zombie()).as("pid %d is gone (state %s)", pid, s).isTrue();
        }
        // 300 ms timeout + 500 ms grace before SIGKILL + bookkeeping.
        assertThat(elapsedMs).isBetween(300L, 2500L);
    }
}
