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
 * Two nodes, no witness: quorum.mode two_node with the lab fence device (it powers a lab host off) and the
 * client host as ping node. Neither node can tell a dead peer from a cut link, so the survivor acts only
 * after it has fenced the other. Needs root, nginx and a built daemon.
 */
@Tag("lab")
class TwoNodeFailoverTest {
    private static final String PREFIX = SharedLab.prefix("ttwo");
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    // Detection, 4 s for the ping monitor, the lab's 10 s priority delay, a fencing that boots a JVM, the start.
    private static final Duration BACK_WITHIN = Duration.ofSeconds(45);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 2).withFencing().withPing());
    private WatchedLab watched;
    private VipWatch watch;
    private Faults faults;

    @BeforeAll
    static void up() {
        assertThat(lab.layout().twoNode()).isTrue();
    }

    @BeforeEach
    void settle() {
        watched = WatchedLab.settle(lab.get());
        watch = watched.watch;
        faults = watched.faults;
    }

    @AfterEach
    void healEverything() {
        if (watched != null) watched.close();
    }

    private int holder() {
        List<Integer> h = watch.holders();
        assertThat(h).as("VIP holders").hasSize(1);
        return h.get(0);
    }

    /** Waits until the node's daemon is gone (fenced off) or the time is up; true when gone. */
    private boolean awaitFencedOff(int node, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (lab.cluster().pid(node).isPresent() && System.nanoTime() < deadline) {
            Pids.sleep(100);
        }
        return lab.cluster().pid(node).isEmpty();
    }

    @Test
    void cuttingTheLinkBetweenThemLetsTheActiveNodeFenceTheOtherAndKeepTheService() {
        int active = holder();
        int passive = 3 - active;
        Faults.Injected cut = faults.cut(1, 2);
        // The active node fences at once; the passive one waits the priority delay and is off before it ends.
        assertThat(awaitFencedOff(passive, BACK_WITHIN)).as("passive fenced after %s\n%s", cut.description(),
                lab.cluster().logTails(30)).isTrue();
        Pids.sleep(3_000);
        assertThat(lab.cluster().pid(active)).as("never both dead\n%s", lab.cluster().logTails(30)).isPresent();
        assertThat(watch.holders()).containsExactly(active);
        Optional<ProbeResult> answer = watched.prober.awaitGoodAnswer(System.nanoTime(), BACK_WITHIN);
        assertThat(answer).as("service answers\n%s", lab.cluster().logTails(30)).isPresent();
        assertThat(answer.get().detail()).isEqualTo("served by " + lab.layout().nodeName(active));
        assertThat(watch.splitBrainNanos()).isZero();
        // The survivor is the whole quorum now: it commits, so the fencing is in its history.
        HaStatus s = lab.cluster().status(active).orElseThrow();
        assertThat(s.quorate()).as("survivor quorate alone\n%s", lab.cluster().logTails(30)).isTrue();
    }

    @Test
    void powerLossOfTheActiveNodeBringsTheServiceBackOnTheOtherAfterFencingIt() {
        int victim = holder();
        int other = 3 - victim;
        ProbeResult back = watched.awaitBack(faults.kill(victim), BACK_WITHIN);
        assertThat(back.detail()).isEqualTo("served by " + lab.layout().nodeName(other));
        assertThat(watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
        assertThat(watch.holders()).containsExactly(other);
        assertThat(watch.splitBrainNanos()).isZero();
    }

    @Test
    void anIsolatedActiveNodeBlamesItsUplinkGivesUpAndIsFencedByTheOther() {
        int victim = holder();
        int other = 3 - victim;
        // Off the bridge: no peer and no ping node. It must not shoot the healthy peer, which the client reaches.
        ProbeResult back = watched.awaitBack(faults.isolate(victim), BACK_WITHIN);
        assertThat(back.detail()).isEqualTo("served by " + lab.layout().nodeName(other));
        assertThat(awaitFencedOff(victim, BACK_WITHIN)).isTrue();
        assertThat(lab.cluster().pid(other)).isPresent();
        assertThat(watch.splitBrainNanos()).isZero();
    }

    @Test
    void whenTheActiveNodeLosesItsUplinkToThePingNodeTheServiceMoves() {
        int active = holder();
        int other = 3 - active;
        Faults.Injected lost = faults.loseUplink(active);
        Optional<ProbeResult> back = watched.prober.awaitGoodAnswer(lost.effectiveNanos() + Duration.ofSeconds(2).toNanos(), BACK_WITHIN);
        assertThat(back).as("after %s\n%s", lost.description(), lab.cluster().logTails(20)).isPresent();
        assertThat(back.get().detail()).isEqualTo("served by " + lab.layout().nodeName(other));
        assertThat(watch.holders()).containsExactly(other);
        assertThat(watch.splitBrainNanos()).isZero();
    }
}
