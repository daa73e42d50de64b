package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import haven.process.MarkedProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The guard finds what an unmodified OCF agent started: ocf:heartbeat:named runs BIND's named detached, in a
 * session of its own, so a daemon killed with SIGKILL leaves it running and no process group names it. Every
 * agent call carries HAVEN_RESOURCE, named inherits it, and the guard, told the marker before the start, ends
 * named when its daemon's pipe closes. (ocf:heartbeat:nginx would not do: nginx writes its process title over
 * its environment, marker included, so /proc shows no marker to find.) Needs root, bind9, resource-agents.
 */
@Tag("lab")
class OcfGuardLabTest {
    private static final String PREFIX = SharedLab.prefix("hlocf");
    private static final Duration GUARD_WITHIN = Duration.ofSeconds(10);
    private static ServiceLab lab;

    @BeforeAll
    static void up() {
        lab = DnsServiceFailoverTest.upDns(PREFIX);
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    @Test
    void namedStartedByItsOcfAgentOutlivesItsKilledDaemonUntilTheGuardEndsItByItsMarker() throws Exception {
        lab.awaitAnswer(DnsServiceFailoverTest::ask, Optional.empty(), Duration.ofSeconds(60));
        lab.lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(1)).forEach(w -> System.err.println("lab warning: " + w));
        List<Integer> holders = lab.holders();
        assertThat(holders).as("holders of %s", lab.vip()).hasSize(1);
        int holder = holders.get(0);
        String node = lab.layout.nodeName(holder);
        String marker = lab.layout.clusterName() + "/" + node + "/ns-named";
        List<Long> named = steadyNamed(marker);
        assertThat(named).as("named bears %s", marker).isNotEmpty();
        long daemon = lab.lab.cluster().pid(holder).orElseThrow();
        for (long pid : named) {
            assertThat(session(pid)).as("named %d runs in a session of its own, out of its daemon's reach", pid)
                    .isNotEqualTo(session(daemon));
        }

        Faults.Injected killed = new Faults(lab.lab).killDaemon(holder);
        long deadline = killed.effectiveNanos() + GUARD_WITHIN.toNanos();
        while (!MarkedProcesses.find(marker).isEmpty() && System.nanoTime() < deadline) Pids.sleep(5);
        long goneNanos = System.nanoTime() - killed.effectiveNanos();
        assertThat(MarkedProcesses.find(marker)).as("left %d s after: %s\n%s", GUARD_WITHIN.toSeconds(), killed.description(),
                lab.lab.cluster().logTails(30)).isEmpty();
        // The guard writes its line after the kill: the processes can be gone a moment before the line is.
        String guardLine = "processes marked " + marker + " killed";
        long lineDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!lab.lab.cluster().logTails(300).contains(guardLine) && System.nanoTime() < lineDeadline) Pids.sleep(50);
        assertThat(lab.lab.cluster().logTails(300)).contains(guardLine);

        String back = lab.awaitAnswer(DnsServiceFailoverTest::ask, Optional.of(node), Duration.ofSeconds(45));
        assertThat(lab.holders()).hasSize(1).doesNotContain(holder);
        System.out.printf("named of %s (ocf:heartbeat:named, PIDs %s) ended by its guard within %.0f ms of its daemon's SIGKILL;"
                + " then answered by %s%n", node, named, goneNanos / 1e6, back);
    }

    /** The named processes bearing {@code marker}, once two looks 500 ms apart agree (named hands over from a foreground parent). */
    private static List<Long> steadyNamed(String marker) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Long> last = List.of();
        while (System.nanoTime() < deadline) {
            List<Long> now = MarkedProcesses.find(marker).stream().filter(pid -> comm(pid).equals("named")).sorted().toList();
            if (!now.isEmpty() && now.equals(last)) return now;
            last = now;
            Pids.sleep(500);
        }
        return last;
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException gone) {
            return "";
        }
    }

    /** The session id (the sixth field of /proc/PID/stat). */
    private static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }
}
