package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The group web = [vip, site] of the lab (built-in ipaddr and a process nginx listening on the wildcard address)
 * starts its address last: after a power loss of the active node, the node that takes over starts nginx first
 * and only then brings up the VIP, so no client is ever refused. With the address first, every such failover
 * refused connections for 20-340 ms (the bench's refused_ms before the change). Needs root, nginx, a built daemon.
 */
@Tag("lab")
class AddressLastFailoverTest {
    private static final String PREFIX = "orva";
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    static final Duration BACK_WITHIN = Duration.ofSeconds(30);
    /** How long after the service is back the client keeps asking, to see no refusal follow. */
    static final Duration AFTERWARDS = Duration.ofSeconds(2);
    private static Lab lab;

    @BeforeAll
    static void up() {
        Lab.down(PREFIX);
        lab = Lab.up(new LabLayout(PREFIX, 3), Lab.UP_TIMEOUT, line -> { });
    }

    @AfterAll
    static void down() {
        Lab.down(PREFIX);
        assertThat(LabNetwork.anyPartExists(PREFIX)).isFalse();
    }

    @Test
    void aFailoverRefusesNoConnectionBecauseTheServiceListensBeforeTheAddressAppears() {
        failOverWithoutRefusals(lab);
    }

    /** Power loss of the VIP holder; asserts that no request sent after it was refused, and the new holder's order. */
    static void failOverWithoutRefusals(Lab lab) {
        try (WatchedLab watched = WatchedLab.settle(lab)) {
            List<Integer> holders = watched.watch.holders();
            assertThat(holders).as("VIP holders").hasSize(1);
            String victim = lab.layout().nodeName(holders.get(0));
            Faults.Injected fault = watched.faults.kill(holders.get(0));
            Optional<ProbeResult> back = watched.prober.awaitGoodAnswerNotFrom(victim, fault.effectiveNanos(), BACK_WITHIN);
            assertThat(back).as("served again within %s s after %s\n%s", BACK_WITHIN.toSeconds(), fault.description(),
                    lab.cluster().logTails(30)).isPresent();
            String taker = back.get().detail().substring("served by ".length());
            // Keep asking a while: a refusal right after the first good answer would count too.
            Pids.sleep(AFTERWARDS.toMillis());
            long until = back.get().endNanos() + AFTERWARDS.toNanos() - Duration.ofMillis(300).toNanos();
            List<ProbeResult> refused = watched.prober.results().stream()
                    .filter(r -> r.startNanos() >= fault.effectiveNanos() && r.startNanos() <= until && Refusals.refused(r))
                    .toList();
            long gained = watched.watch.timeline().stream()
                    .filter(c -> c.has() && c.nanos() >= fault.effectiveNanos() && lab.layout().nodeName(c.node()).equals(taker))
                    .mapToLong(VipWatch.Change::nanos).findFirst().orElse(-1);
            System.out.printf("%s: %s powered off; VIP on %s +%d ms, served by it +%d ms; %d refused%n", lab.layout().prefix(),
                    victim, taker, gained < 0 ? -1 : (gained - fault.effectiveNanos()) / 1_000_000,
                    (back.get().endNanos() - fault.effectiveNanos()) / 1_000_000, refused.size());
            assertThat(refused).as("requests refused after the fault (the VIP was up before the service listened)").isEmpty();
            assertThat(watched.watch.holders()).containsExactly(lab.layout().indexOf(taker));
            assertThat(watched.watch.splitBrainNanos()).isZero();
            // The daemon's own account: on the node that took over, the site started before the address.
            List<String> log = lab.cluster().state().logTail(taker, 400).lines().toList();
            int site = lastIndexOf(log, "started site");
            int vip = lastIndexOf(log, "started vip");
            assertThat(site).as("'started site' in the log of %s", taker).isNotNegative();
            assertThat(vip).as("'started vip' after 'started site' in the log of %s:\n%s", taker, String.join("\n", log))
                    .isGreaterThan(site);
        }
    }

    private static int lastIndexOf(List<String> lines, String text) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).endsWith(text)) return i;
        }
        return -1;
    }
}
