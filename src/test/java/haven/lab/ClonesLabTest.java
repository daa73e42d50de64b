package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A clone on three real daemons: the web server (nginx) runs as `app`, cloned on two nodes at once, and the address
 * (`web`) is colocated with an instance of it. Checked from outside: the web server's PIDs on each node, the address's
 * holder, the client. Powering off the address's node starts a third instance on the node left over and moves the
 * address to an instance that runs, so the client is served again.
 */
@Tag("lab")
class ClonesLabTest {
    private static final LabLayout LAYOUT = new LabLayout(SharedLab.prefix("tcln"), 3);
    private static final Duration WITHIN = Duration.ofSeconds(20);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(LAYOUT).beforeStart(ClonesLabTest::cloneTheServer).settled();

    private static void cloneTheServer(LabState state) {
        try {
            String config = Files.readString(state.config());
            String web = "  - name: web\n    members: [vip, site]\n    prefer: " + LAYOUT.nodeName(1) + "\n";
            assertThat(config).endsWith(web);
            config = config.replace(web, "  - name: app\n    members: [site]\n    clone: 2\n"
                    + "  - name: web\n    members: [vip]\n    colocate: [{ with: app }]\n    prefer: " + LAYOUT.nodeName(1) + "\n");
            Files.writeString(state.config(), config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the lab's clone", e);
        }
    }

    private static String haven(int node, String... args) {
        return LabCli.ok(LAYOUT, node, args);
    }

    /** The nodes whose nginx (by the PID in its pid file) is alive. */
    private static List<Integer> servers() {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= LAYOUT.nodes(); i++) {
            Path pidFile = lab.cluster().state().www().resolve(LAYOUT.nodeName(i)).resolve("nginx.pid");
            try {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                if (Faults.isNginx(pid)) out.add(i);
            } catch (IOException | NumberFormatException e) {
                // no server there
            }
        }
        return out;
    }

    private static long await(String what, long since, BooleanSupplier done) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) return (System.nanoTime() - since) / 1_000_000;
            Pids.sleep(50);
        }
        throw new AssertionError(what + " not within " + WITHIN + "; servers on " + servers() + ", address on "
                + lab.cluster().vipHolders() + "\n" + lab.cluster().logTails(30));
    }

    @Test
    void twoInstancesRunAndALostOneIsReplacedWhileTheAddressFollowsAnInstance() {
        await("two servers, the address with one of them", System.nanoTime(), () -> servers().size() == 2
                && lab.cluster().vipHolders().size() == 1 && servers().contains(lab.cluster().vipHolders().get(0)));
        List<Integer> before = servers();
        assertThat(haven(2, "status")).contains("group app: clone on " + LAYOUT.nodeName(before.get(0)) + ", " + LAYOUT.nodeName(before.get(1)));
        int h = lab.cluster().vipHolders().get(0);
        int spare = List.of(1, 2, 3).stream().filter(i -> !before.contains(i)).findFirst().orElseThrow();

        Faults.Injected off = new Faults(lab.get()).kill(h);
        long servedMs = await("served again", off.effectiveNanos(), () -> lab.cluster().fetchService(Duration.ofMillis(300)).isPresent());
        long replacedMs = await("an instance on n" + spare, off.effectiveNanos(), () -> servers().contains(spare));
        await("two servers, none on n" + h, off.effectiveNanos(), () -> servers().size() == 2 && !servers().contains(h));
        int now = lab.cluster().vipHolders().get(0);
        assertThat(servers()).as("the address is with an instance").contains(now);
        System.out.printf("clones: app on %s, web with it on n%d; n%d powered off: served again after %d ms, the replacement instance on"
                + " n%d after %d ms%n", before, h, h, servedMs, spare, replacedMs);
    }
}
