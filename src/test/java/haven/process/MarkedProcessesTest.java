package haven.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real processes found and ended by the marker in their environment. */
class MarkedProcessesTest {
    private static final String MARKER = "test" + ProcessHandle.current().pid() + "/n1/web";
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        MarkedProcesses.terminate(MARKER, Duration.ZERO, Duration.ofSeconds(2));
        for (Process p : started) p.destroyForcibly();
    }

    private Process marked(String marker, String shell) throws IOException {
        ProcessBuilder b = new ProcessBuilder("/bin/sh", "-c", shell);
        b.environment().put(MarkedProcesses.VARIABLE, marker);
        Process p = b.start();
        started.add(p);
        return p;
    }

    private static List<Long> awaitFound(String marker, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Long> found = MarkedProcesses.find(marker);
        while (found.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
            found = MarkedProcesses.find(marker);
        }
        return found;
    }

    @Test
    void findsEveryProcessOfTheMarkerForkedChildrenIncludedAndNoOther() throws Exception {
        Process shell = marked(MARKER, "sleep 600 & sleep 600; wait");
        Process other = marked(MARKER + "x", "exec sleep 600");
        List<Long> found = awaitFound(MARKER, 3);
        assertThat(found).hasSize(3).contains(shell.pid()).doesNotContain(other.pid());
        // Until its exec the other process shows the JVM's environment: wait for it as for the first.
        assertThat(awaitFound(MARKER + "x", 1)).containsExactly(other.pid());
    }

    @Test
    void terminateEndsThemAllAndSaysSo() throws Exception {
        marked(MARKER, "trap '' TERM; sleep 600 & sleep 600; wait");
        assertThat(awaitFound(MARKER, 3)).hasSize(3);
        assertThat(MarkedProcesses.terminate(MARKER, Duration.ofMillis(100), Duration.ofSeconds(2))).isTrue();
        assertThat(MarkedProcesses.find(MARKER)).isEmpty();
        assertThat(MarkedProcesses.terminate(MARKER, Duration.ofMillis(100), Duration.ofSeconds(2))).as("nothing to end").isTrue();
    }

    @Test
    void anEntryMatchesOnlyWhole() {
        byte[] needle = MarkedProcesses.entry("c/n1/web").getBytes(StandardCharsets.UTF_8);
        assertThat(MarkedProcesses.holds(env("A=1", "HAVEN_RESOURCE=c/n1/web", "B=2"), needle)).isTrue();
        assertThat(MarkedProcesses.holds(env("HAVEN_RESOURCE=c/n1/web"), needle)).isTrue();
        assertThat(MarkedProcesses.holds(env("HAVEN_RESOURCE=c/n1/web2"), needle)).isFalse();
        assertThat(MarkedProcesses.holds(env("XHAVEN_RESOURCE=c/n1/web"), needle)).isFalse();
        assertThat(MarkedProcesses.holds(new byte[0], needle)).isFalse();
    }

    private static byte[] env(String... entries) {
        return (String.join("\0", entries) + "\0").getBytes(StandardCharsets.UTF_8);
    }
}
