package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Capacities on three real daemons: n1 and n3 offer 4096 MB, n2 1024 MB; web (needs 2048, prefers n1) and cache
 * (needs 3000, prefers n1 too) start where they fit: web on n1, cache on n3, not beside web. With n1 in standby web
 * fits nowhere (n2 too small, n3 full) and stays stopped rather than overcommit a node; `haven why` names the
 * capacity on each node; with n1 back it runs again; a move to a node it does not fit on is refused. Checked from
 * outside: which namespace holds each address.
 */
@Tag("lab")
class UtilizationLabTest {
    private static final LabLayout LAYOUT = new LabLayout(SharedLab.prefix("tutl"), 3);
    private static final Duration WITHIN = Duration.ofSeconds(20);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(LAYOUT).beforeStart(UtilizationLabTest::addCapacities).settled();

    private static final String CACHE = LAYOUT.vip().substring(0, LAYOUT.vip().lastIndexOf('.')) + ".155";

    private static void addCapacities(LabState state) {
        try {
            String config = Files.readString(state.config());
            for (int i = 1; i <= LAYOUT.nodes(); i++) {
                String line = "    address: " + LAYOUT.nodeAddress(i) + "\n";
                assertThat(config).contains(line);
                config = config.replace(line, line + "    capacity: { memory_mb: " + (i == 2 ? 1024 : 4096) + " }\n");
            }
            config = config.replace("resources:\n", "resources:\n"
                    + "  - name: cache\n    type: ipaddr\n    params: { address: " + CACHE + "/24 }\n    monitor_interval: 2s\n");
            config += "    needs: { memory_mb: 2048 }\n"
                    + "  - name: cache-group\n    members: [cache]\n    prefer: " + LAYOUT.nodeName(1) + "\n    needs: { memory_mb: 3000 }\n";
            Files.writeString(state.config(), config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the lab's capacities", e);
        }
    }

    private static Exec.Result haven(int node, String... args) {
        return LabCli.run(LAYOUT, node, args);
    }

    private static String ok(int node, String... args) {
        return LabCli.ok(LAYOUT, node, args);
    }

    private static List<Integer> holders(String address) {
        return LabCli.holders(LAYOUT, address);
    }

    private static void await(String what, Supplier<Boolean> done) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.get()) return;
            Pids.sleep(100);
        }
        throw new AssertionError(what + ": web on " + holders(LAYOUT.vip()) + ", cache on " + holders(CACHE) + "\n"
                + lab.cluster().logTails(30));
    }

    @Test
    void groupsStartOnlyWhereTheyFitAndWaitRatherThanOvercommit() {
        await("web on n1, cache on n3", () -> holders(LAYOUT.vip()).equals(List.of(1)) && holders(CACHE).equals(List.of(3)));
        assertThat(ok(2, "why", "cache-group")).contains(LAYOUT.nodeName(1) + ": not enough memory_mb: needs 3000, 2048 free of 4096");
        assertThat(ok(2, "status")).contains(LAYOUT.nodeName(1) + " online (memory_mb 2048/4096)");

        Exec.Result refused = haven(2, "resource", "move", "web", LAYOUT.nodeName(2));
        assertThat(refused.code()).as("a move to a node web does not fit on").isNotZero();
        assertThat(refused.out() + refused.err()).contains("web needs memory_mb 2048 and " + LAYOUT.nodeName(2) + " has 1024 free of 1024");

        ok(2, "node", "standby", LAYOUT.nodeName(1));
        await("web stopped, cache still on n3", () -> holders(LAYOUT.vip()).isEmpty() && holders(CACHE).equals(List.of(3)));
        String why = ok(2, "why", "web");
        assertThat(why).contains(LAYOUT.nodeName(2) + ": not enough memory_mb: needs 2048, 1024 free of 1024",
                LAYOUT.nodeName(3) + ": not enough memory_mb: needs 2048, 1096 free of 4096");
        long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < end) {
            assertThat(holders(LAYOUT.vip())).as("web overcommits no node while n1 is in standby").isEmpty();
            Pids.sleep(200);
        }
        ok(2, "node", "online", LAYOUT.nodeName(1));
        await("web back on n1", () -> holders(LAYOUT.vip()).equals(List.of(1)));
        System.out.printf("utilization: web and cache placed where they fit; with n1 in standby web waited (n2 too small, n3 full);"
                + " back on n1 once it returned; a move to n2 refused%n");
    }
}
