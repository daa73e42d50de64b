package haven.executor.agents.lsb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.config.ResourceConfig;
import haven.core.ResourceId;
import haven.executor.AgentFactory;
import haven.core.AgentResult;
import haven.core.AgentResult.Status;
import haven.core.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lsb: resources: start, stop and status of a real init script, with LSB's status codes. */
class LsbAgentTest {
    private static final Duration T = Duration.ofSeconds(10);

    /** An init script following LSB that runs a detached sleep with a pid file; {@code startWorks} false: start lies. */
    private static Path script(Path dir, boolean startWorks) throws Exception {
        Path initd = Files.createDirectories(dir.resolve("init.d"));
        Path pid = dir.resolve("sleeper.pid");
        String start = startWorks ? "setsid sleep 1000 >/dev/null 2>&1 < /dev/null & echo $! > %1$s; exit 0" : "exit 0";
        Path s = Files.writeString(initd.resolve("sleeper"), ("""
                #!/bin/sh
                ### BEGIN INIT INFO
                # Provides: sleeper
                # Short-Description: a test daemon for haven
                ### END INIT INFO
                running() { [ -f %1$s ] && kill -0 "$(cat %1$s)" 2>/dev/null; }
                case "$1" in
                  start) running && exit 0; """ + start + """
                ;;
                  stop) running && kill "$(cat %1$s)"; rm -f %1$s; exit 0 ;;
                  status) running && exit 0; [ -f %1$s ] && exit 1; exit 3 ;;
                  *) echo "usage: $0 {start|stop|status}"; exit 2 ;;
                esac
                """).formatted(pid));
        assertThat(s.toFile().setExecutable(true)).isTrue();
        return initd;
    }

    private static LsbAgent agent(Path initd) {
        var rc = new ResourceConfig(ResourceId.of("sleeper"), "lsb:sleeper", Map.of(), T, T, T, T);
        return new LsbAgent(rc, Map.of(), initd, List.of());
    }

    @Test
    void startStopAndStatusFollowTheScriptsLsbCodes(@TempDir Path dir) throws Exception {
        LsbAgent a = agent(script(dir, true));
        assertThat(a.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
        assertThat(a.start(T)).isEqualTo(AgentResult.ok());
        long pid = Long.parseLong(Files.readString(dir.resolve("sleeper.pid")).strip());
        assertThat(a.monitor(T)).isEqualTo(AgentResult.ok());
        assertThat(a.start(T)).isEqualTo(AgentResult.ok());
        assertThat(a.stop(T)).isEqualTo(AgentResult.ok());
        assertThat(a.stop(T)).isEqualTo(AgentResult.ok());
        assertThat(a.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
        assertThat(livesAndIsNoZombie(pid)).as("the daemon is gone").isFalse();
    }

    /** The killed daemon is an orphan; PID 1 may reap it a little later, and a zombie runs nothing. */
    private static boolean livesAndIsNoZombie(long pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                if (stat.charAt(stat.lastIndexOf(')') + 2) == 'Z') return false;
                Thread.sleep(20);
            } catch (java.io.IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return true;
    }

    @Test
    void aStartThatExitsZeroWhileNothingRunsIsAFailure(@TempDir Path dir) throws Exception {
        AgentResult r = agent(script(dir, false)).start(T);
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail()).contains("start exited 0 but status then said NOT_RUNNING");
    }

    @Test
    void aMissingScriptIsAConfigErrorOfThisNode(@TempDir Path dir) {
        AgentResult r = agent(dir).monitor(T);
        assertThat(r.status()).isEqualTo(Status.CONFIG_ERROR);
        assertThat(r.detail()).contains(dir.resolve("sleeper") + " does not exist or is not executable on this node");
    }

    @Test
    void statusCodesOneToThreeAreNotRunningFourIsAFailure() {
        assertThat(LsbExit.toResult(Operation.MONITOR, 1, "").detail()).contains("dead, pid file exists");
        assertThat(LsbExit.toResult(Operation.MONITOR, 2, "").status()).isEqualTo(Status.NOT_RUNNING);
        assertThat(LsbExit.toResult(Operation.MONITOR, 3, "")).isEqualTo(AgentResult.notRunning());
        assertThat(LsbExit.toResult(Operation.MONITOR, 4, "").status()).isEqualTo(Status.FAILED);
        assertThat(LsbExit.toResult(Operation.START, 5, "").status()).isEqualTo(Status.CONFIG_ERROR);
        assertThat(LsbExit.toResult(Operation.START, 6, "").status()).as("not configured: wrong on every node").isEqualTo(Status.FATAL);
        assertThat(LsbExit.toResult(Operation.STOP, 1, "").detail()).isEqualTo("stop exited 1 (generic error)");
    }

    @Test
    void theFactoryMakesInitScriptAgentsAndRefusesParametersAndBadNames() {
        var rc = new ResourceConfig(ResourceId.of("web"), "lsb:nginx", Map.of(), T, T, T, T);
        assertThat(AgentFactory.create(rc)).isInstanceOf(LsbAgent.class);
        assertThatThrownBy(() -> AgentFactory.create(new ResourceConfig(ResourceId.of("web"), "lsb:nginx", Map.of("port", "80"), T, T, T, T)))
                .hasMessageContaining("an init script takes no parameters").hasMessageContaining("/etc/default/nginx");
        assertThatThrownBy(() -> LsbAgent.scriptName("lsb:../bin/sh")).hasMessageContaining("write lsb:NAME");
    }
}
