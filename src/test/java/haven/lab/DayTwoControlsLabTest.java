package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The day-two controls on three real daemons, each through the CLI inside a node's namespace and each checked from
 * outside: the web server's PID (nginx's own pid file), which namespace holds the address, and whether the client
 * namespace is served. Restart gives a new server on the same node; disable stops it everywhere until enable; an
 * unmanaged group, or one on a node in maintenance, stays down when its server is killed, until handed back; a move
 * for a while ends by itself. The timeline names each.
 */
@Tag("lab")
class DayTwoControlsLabTest {
    private static final LabLayout LAYOUT = new LabLayout(SharedLab.prefix("tday"), 3);
    private static final Duration WITHIN = Duration.ofSeconds(20);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(LAYOUT).settled();

    private static String haven(int node, String... args) {
        return LabCli.ok(LAYOUT, node, args);
    }

    /** The PID in node {@code i}'s nginx pid file, if its server runs. */
    private static Optional<Long> serverPid(int i) {
        Path pidFile = lab.cluster().state().www().resolve(LAYOUT.nodeName(i)).resolve("nginx.pid");
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return Files.exists(Path.of("/proc/" + pid)) ? Optional.of(pid) : Optional.empty();
        } catch (java.io.IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Waits for {@code done}; the milliseconds since {@code since} (System.nanoTime()). */
    private static long await(String what, long since, BooleanSupplier done) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) return (System.nanoTime() - since) / 1_000_000;
            Pids.sleep(50);
        }
        throw new AssertionError(what + " not within " + WITHIN + "; holders " + lab.cluster().vipHolders() + "\n"
                + lab.cluster().logTails(30));
    }

    private static boolean served() {
        return lab.cluster().fetchService(Duration.ofMillis(400)).isPresent();
    }

    private static int holder() {
        List<Integer> h = lab.cluster().vipHolders();
        assertThat(h).as("exactly one node holds web's address").hasSize(1);
        return h.get(0);
    }

    /** Everything seen every 200 ms for {@code d}: the holders and whether the client is served, each change once. */
    private static List<String> watch(Duration d) {
        List<String> seen = new ArrayList<>();
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            String now = lab.cluster().vipHolders() + (served() ? " served" : " not served");
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) seen.add(now);
            Pids.sleep(200);
        }
        return seen;
    }

    private static void kill(long pid) {
        Exec.Result r = Exec.run(Duration.ofSeconds(5), "kill", "-9", Long.toString(pid));
        assertThat(r.ok()).as("kill -9 %d: %s", pid, r.err()).isTrue();
    }

    @Test
    void restartDisableUnmanageNodeMaintenanceAndAMoveForAWhile() {
        lab.cluster().awaitService(WITHIN);
        int h = holder();
        long before = serverPid(h).orElseThrow();

        long t = System.nanoTime();
        haven(2, "resource", "restart", "site");
        long restartMs = await("a new web server on n" + h, t, () -> serverPid(h).filter(p -> p != before).isPresent() && served());
        assertThat(holder()).as("a restart stays on its node").isEqualTo(h);

        t = System.nanoTime();
        haven(2, "resource", "disable", "site");
        long disableMs = await("web stopped everywhere", t, () -> lab.cluster().vipHolders().isEmpty() && !served()
                && serverPid(h).isEmpty());
        assertThat(haven(2, "status")).contains("DISABLED");
        assertThat(watch(Duration.ofSeconds(3))).as("a disabled group stays stopped").containsExactly("[] not served");
        t = System.nanoTime();
        haven(2, "resource", "enable", "site");
        long enableMs = await("web served again", t, DayTwoControlsLabTest::served);

        int u = holder();
        haven(2, "resource", "unmanage", "site");
        assertThat(haven(2, "status")).contains("UNMANAGED");
        kill(serverPid(u).orElseThrow());
        assertThat(watch(Duration.ofSeconds(5))).as("unmanaged: the dead server is neither restarted nor failed over")
                .containsExactly("[" + u + "] not served");
        t = System.nanoTime();
        haven(2, "resource", "manage", "site");
        long manageMs = await("web served again once managed", t, DayTwoControlsLabTest::served);
        assertThat(holder()).isEqualTo(u);

        int m = holder();
        haven(2, "node", "maintenance", LAYOUT.nodeName(m), "on");
        assertThat(haven(2, "status")).contains("MAINTENANCE: left alone");
        kill(serverPid(m).orElseThrow());
        assertThat(watch(Duration.ofSeconds(5))).as("n%d in maintenance: its dead server is left alone", m)
                .containsExactly("[" + m + "] not served");
        t = System.nanoTime();
        haven(2, "node", "maintenance", LAYOUT.nodeName(m), "off");
        long maintenanceMs = await("web served again once n" + m + " left maintenance", t, DayTwoControlsLabTest::served);

        int from = holder();
        int to = from == 3 ? 1 : from + 1;
        t = System.nanoTime();
        haven(2, "resource", "move", "site", LAYOUT.nodeName(to), "--for", "4s");
        await("web on n" + to, t, () -> lab.cluster().vipHolders().equals(List.of(to)) && served());
        long moveEndMs = await("the move's end", t, () -> !haven(2, "status").contains("moved to"));
        assertThat(moveEndMs).as("the move lasted its 4 s").isGreaterThanOrEqualTo(4_000);
        assertThat(watch(Duration.ofSeconds(3))).as("once the move ends web stays where it runs").containsExactly("[" + to + "] served");

        String log = haven(2, "log", "--since", "5m");
        assertThat(log).contains("group web restarting (back on " + LAYOUT.nodeName(h) + ")", "group web restarted",
                "group web disabled", "group web enabled", "group web unmanaged", "group web managed again",
                LAYOUT.nodeName(m) + " in maintenance", LAYOUT.nodeName(m) + " out of maintenance", "the move of group web lasts until",
                "move of group web cleared");
        System.out.printf("day-two controls, each from the command line (a fresh CLI JVM included): restart served again after %d ms"
                + " (new PID, same node); disable stopped everything in %d ms, enable served again in %d ms; manage served the"
                + " unmanaged, dead server again in %d ms; leaving node maintenance %d ms; a 4 s move seen ended after %d ms%n",
                restartMs, disableMs, enableMs, manageMs, maintenanceMs, moveEndMs);
    }
}
