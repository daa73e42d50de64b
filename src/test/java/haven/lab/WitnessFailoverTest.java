package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two service nodes and a witness (`haven witness`, its own lab host), the smallest cluster that survives
 * the loss of either service node. Needs root, nginx and a built daemon.
 */
@Tag("lab")
class WitnessFailoverTest {
    private static final String PREFIX = SharedLab.prefix("twit");
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration BACK_WITHIN = Duration.ofSeconds(30);
    private static final int WITNESS = 3;
    @RegisterExtension
    static final SharedLab lab = new SharedLab(LabLayout.of(PREFIX, 2, true).withPing());
    private WatchedLab watched;
    private VipWatch watch;
    private ProberProcess prober;
    private Faults faults;

    @BeforeEach
    void settle() {
        watched = WatchedLab.settle(lab.get());
        watch = watched.watch;
        prober = watched.prober;
        faults = watched.faults;
    }

    @AfterEach
    void healEverything() {
        if (watched != null) watched.close();
    }

    private int holder() {
        List<Integer> h = watch.holders();
        assertThat(h).as("VIP holders").hasSize(1).doesNotContain(WITNESS);
        return h.get(0);
    }

    private ProbeResult awaitBack(Faults.Injected fault) {
        return watched.awaitBack(fault, BACK_WITHIN);
    }

    @Test
    void theWitnessIsAMemberThatRunsNothing() {
        HaStatus s = lab.cluster().status(WITNESS).orElseThrow();
        assertThat(s.members()).hasSize(3);
        assertThat(Netns.pids(lab.layout().nodeNamespace(WITNESS)).stream().filter(Faults::isNginx)).isEmpty();
        assertThat(lab.layout().nodeName(WITNESS)).isEqualTo("w3");
    }

    @Test
    void powerLossOfTheActiveNodeBringsTheServiceBackOnTheOtherWithNeverTwoHolders() {
        int victim = holder();
        int other = 3 - victim;
        ProbeResult back = awaitBack(faults.kill(victim));
        assertThat(back.detail()).isEqualTo("served by " + lab.layout().nodeName(other));
        assertThat(watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
        assertThat(watch.holders()).containsExactly(other);
        assertThat(watch.splitBrainNanos()).isZero();
    }

    @Test
    void losingTheWitnessMovesNothing() {
        int active = holder();
        faults.kill(WITNESS);
        // Two of three still make a majority: the service stays where it is, answering throughout.
        long since = System.nanoTime();
        Pids.sleep(3_000);
        assertThat(watch.holders()).containsExactly(active);
        assertThat(prober.awaitGoodAnswer(since + Duration.ofMillis(2_500).toNanos(), Duration.ofSeconds(2)))
                .map(ProbeResult::detail).contains("served by " + lab.layout().nodeName(active));
        assertThat(watch.splitBrainNanos()).isZero();
    }

    @Test
    void whenTheActiveNodeLosesItsUplinkToThePingNodeTheServiceMovesToTheOther() {
        int active = holder();
        int other = 3 - active;
        Faults.Injected lost = faults.loseUplink(active);
        // Three lost echoes (3 s) mark the ping node unreachable; then the group moves like any other move.
        Optional<ProbeResult> back = prober.awaitGoodAnswer(lost.effectiveNanos() + Duration.ofSeconds(2).toNanos(), BACK_WITHIN);
        assertThat(back).as("after %s\n%s", lost.description(), lab.cluster().logTails(20)).isPresent();
        assertThat(back.get().detail()).isEqualTo("served by " + lab.layout().nodeName(other));
        assertThat(watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
        assertThat(watch.holders()).containsExactly(other);
        assertThat(watch.splitBrainNanos()).isZero();
    }

    @Test
    void aFlappingLinkNeverGivesTwoHoldersAndTheServiceSettles() {
        int active = holder();
        Faults.Injected flap = faults.flap(active, Duration.ofMillis(300), Duration.ofSeconds(10));
        System.err.println(flap.description());
        lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(2));
        assertThat(watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
        assertThat(watch.holders()).hasSize(1).doesNotContain(WITNESS);
        assertThat(prober.awaitGoodAnswer(System.nanoTime(), BACK_WITHIN)).isPresent();
        assertThat(watch.splitBrainNanos()).isZero();
    }

    @Test
    void cuttingTheLinkBetweenTheTwoNodesLeavesTheServiceOnExactlyOne() {
        holder();
        Faults.Injected cut = faults.cut(1, 2);
        Pids.sleep(8_000);
        assertThat(watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
        assertThat(watch.holders()).as("after: %s\n%s", cut.description(), lab.cluster().logTails(20)).hasSize(1);
        assertThat(prober.awaitGoodAnswer(System.nanoTime(), BACK_WITHIN)).isPresent();
        assertThat(watch.splitBrainNanos()).isZero();
    }
}
