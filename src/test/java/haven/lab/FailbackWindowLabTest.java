package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A failback window on three real daemons: web prefers n1; n1 goes into standby (web moves away) and comes back
 * outside any window: nothing moves. Then `haven config apply` gives web a failback window that opens a few seconds
 * later: until it opens web stays where it is, and once it opens web moves back to n1, once. Every check reads which
 * node's namespace holds the address, from outside.
 */
@Tag("lab")
class FailbackWindowLabTest {
    private static final LabLayout LAYOUT = new LabLayout(SharedLab.prefix("tfbk"), 3);
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    @RegisterExtension
    static final SharedLab lab = new SharedLab(LAYOUT).settled();

    /** The haven CLI run inside node {@code node}'s namespace, as an operator on that machine would. */
    private static String haven(int node, String... args) {
        return LabCli.ok(LAYOUT, node, args);
    }

    /** The one node holding web's address, waiting until exactly one does and {@code ok} accepts it. */
    private static int awaitHolder(String what, java.util.function.IntPredicate ok) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        List<Integer> h = lab.cluster().vipHolders();
        while (System.nanoTime() < deadline) {
            if (h.size() == 1 && ok.test(h.get(0))) return h.get(0);
            Pids.sleep(100);
            h = lab.cluster().vipHolders();
        }
        throw new AssertionError(what + ": holders " + h + " after " + WITHIN + "\n" + lab.cluster().logTails(30));
    }

    /** The holders seen every 200 ms for {@code d}, each change once. */
    private static List<List<Integer>> watch(Duration d) {
        List<List<Integer>> seen = new ArrayList<>();
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            List<Integer> h = lab.cluster().vipHolders();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(h)) seen.add(h);
            Pids.sleep(200);
        }
        return seen;
    }

    @Test
    void theReturningPreferredNodeGetsWebBackOnlyOnceTheWindowOpens() throws Exception {
        assertThat(awaitHolder("at the start", n -> true)).as("web prefers n1").isEqualTo(1);
        haven(2, "node", "standby", LAYOUT.nodeName(1));
        int away = awaitHolder("after n1's standby", n -> n != 1);
        haven(2, "node", "online", LAYOUT.nodeName(1));
        assertThat(watch(Duration.ofSeconds(6))).as("n1 is back, outside any window: web stays on n%d", away)
                .containsExactly(List.of(away));

        LocalTime opens = LocalTime.now(ZoneOffset.UTC).plusSeconds(12).withNano(0);
        String window = opens.format(CLOCK) + "-" + opens.plusMinutes(10).format(CLOCK);
        Path config = lab.cluster().state().config();
        String text = Files.readString(config);
        assertThat(text).endsWith("    prefer: " + LAYOUT.nodeName(1) + "\n");
        Path next = config.resolveSibling("with-failback.yaml");
        Files.writeString(next, text + "    failback: " + window + "\n");
        haven(2, "config", "apply", next.toString());

        long untilOpen = java.time.Duration.between(LocalTime.now(ZoneOffset.UTC), opens).toMillis() - 500;
        assertThat(untilOpen).as("the config was applied before the window opens").isPositive();
        assertThat(watch(Duration.ofMillis(untilOpen))).as("before the window %s opens web stays on n%d", window, away)
                .containsExactly(List.of(away));
        long openAt = System.nanoTime();
        awaitHolder("once the window " + window + " UTC is open", n -> n == 1);
        long backMs = (System.nanoTime() - openAt) / 1_000_000;
        List<List<Integer>> after = watch(Duration.ofSeconds(5));
        assertThat(after).as("web moved back once and stays on n1").containsExactly(List.of(1));
        System.out.printf("failback window: n1 back outside the window, web stayed on n%d; window %s UTC applied, web back on"
                + " n1 %d ms after it opened (minus 0.5 s) and stayed%n", away, window, backMs);
    }
}
