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
 * End to end on three real haven nodes in namespaces: each test faults the node holding the VIP while a
 * client asks for the page every 10 ms and every namespace is watched for the VIP. Needs root, nginx and a
 * built daemon. One lab for the class; before each test every node is healed and the cluster settled.
 */
@Tag("lab")
class ClusterFailoverTest {
    private static final String PREFIX = SharedLab.prefix("te2e");
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration BACK_WITHIN = Duration.ofSeconds(30);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3));
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
        if (watched != null) {
            watched.close();
        }
        // forget moves and failure counts so the next test starts from a clean slate
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            if (lab.cluster().resourceAction(i, "site", "clear") && lab.cluster().resourceAction(i, "site", "cleanup")) {
                break;
            }
        }
    }

    private int holder() {
        List<Integer> h = watch.holders();
        assertThat(h).as("VIP holders").hasSize(1);
        return h.get(0);
    }

    private String name(int node) {
        return lab.layout().nodeName(node);
    }

    private ProbeResult awaitBack(Faults.Injected fault) {
        return watched.awaitBack(fault, BACK_WITHIN);
    }

    @Test
    void powerLossOfTheVipHolderBringsTheServiceBackFromAnotherNodeWithNeverTwoHolders() {
        int victim = holder();
        ProbeResult back = awaitBack(faults.kill(victim));
        assertThat(back.detail()).startsWith("served by ").isNotEqualTo("served by " + name(victim));
        assertThat(watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
        assertThat(watch.holders()).hasSize(1).doesNotContain(victim);
        assertThat(watch.splitBrainNanos()).isZero();
    }

    @Test
    void aKilledWebServerIsRestartedInPlace() {
        int active = holder();
        ProbeResult back = awaitBack(faults.killService(active));
        assertThat(back.detail()).isEqualTo("served by " + name(active));
        assertThat(watch.holders()).containsExactly(active);
        assertThat(watch.splitBrainNanos()).isZero();
    }

    @Test
    void anIsolatedVipHolderDropsTheVipAndTheMajorityTakesOverWithoutSplitBrain() {
        int victim = holder();
        ProbeResult back = awaitBack(faults.isolate(victim));
        assertThat(back.detail()).isNotEqualTo("served by " + name(victim));
        // the isolated node still runs; it must let go of the VIP on its own (lost quorum)
        assertThat(watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
        assertThat(watch.holders()).hasSize(1).doesNotContain(victim);
        assertThat(watch.splitBrainNanos()).isZero();
        assertThat(lab.cluster().pid(victim)).as("isolated daemon keeps running").isPresent();
    }

    @Test
    void aDaemonKilledWithSigkillLeavesNothingRunningAndTheServiceMovesWithNeverTwoHolders() {
        int victim = holder();
        Faults.Injected kill = faults.killDaemon(victim);
        long gone = awaitVipGoneFrom(victim, kill, Duration.ofMillis(1_500));
        assertThat(awaitNoNginxIn(victim, Duration.ofSeconds(2))).as("the guard killed the web server of the dead daemon").isEmpty();
        ProbeResult back = awaitBack(kill, gone);
        assertThat(back.detail()).isNotEqualTo("served by " + name(victim));
        assertThat(watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
        assertThat(watch.holders()).hasSize(1).doesNotContain(victim);
        assertThat(watch.splitBrainNanos()).isZero();
    }

    @Test
    void aFrozenVipHolderLosesItsVipByItsGuardBeforeTheMajorityTakesOver() {
        int victim = holder();
        Faults.Injected pause = faults.pause(victim);
        long gone = awaitVipGoneFrom(victim, pause, Duration.ofMillis(1_500));
        ProbeResult back = awaitBack(pause, gone);
        assertThat(back.detail()).isNotEqualTo("served by " + name(victim));
        assertThat(watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
        assertThat(watch.splitBrainNanos()).isZero();
        // Resumed, the daemon finds its lease void and its services gone; the cluster settles with one holder.
        faults.resume(victim);
        lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(1));
        assertThat(watch.holders()).hasSize(1);
        assertThat(watch.splitBrainNanos()).isZero();
    }

    /** The first good answer to a request sent after {@code sinceNanos} (the victim may serve until its guard acts). */
    private ProbeResult awaitBack(Faults.Injected fault, long sinceNanos) {
        Optional<ProbeResult> back = prober.awaitGoodAnswer(sinceNanos, BACK_WITHIN);
        assertThat(back).as("service answers within %s s after: %s\n%s", BACK_WITHIN.toSeconds(), fault.description(),
                lab.cluster().logTails(20)).isPresent();
        return back.get();
    }

    /** When the VIP left {@code node} (System.nanoTime); fails the test if it stays past {@code within}. */
    private long awaitVipGoneFrom(int node, Faults.Injected fault, Duration within) {
        long deadline = fault.effectiveNanos() + within.toNanos();
        while (watch.holders().contains(node)) {
            assertThat(System.nanoTime()).as("VIP still on %s %d ms after: %s\n%s", name(node), within.toMillis(),
                    fault.description(), lab.cluster().logTails(20)).isLessThan(deadline);
            Pids.sleep(5);
        }
        long gone = System.nanoTime();
        System.err.println("VIP left " + name(node) + " " + (gone - fault.effectiveNanos()) / 1_000_000 + " ms after: "
                + fault.description());
        return gone;
    }

    private List<Long> awaitNoNginxIn(int node, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!nginxIn(node).isEmpty() && System.nanoTime() < deadline) {
            Pids.sleep(10);
        }
        return nginxIn(node);
    }

    private List<Long> nginxIn(int node) {
        return Netns.pids(lab.layout().nodeNamespace(node)).stream().filter(Faults::isNginx).toList();
    }

    @Test
    void killingTheCoordinatorMidTransitionStillConvergesToOneHolder() {
        int active = holder();
        String coordinatorName = lab.cluster().status(active).orElseThrow().coordinator();
        int coordinator = lab.layout().indexOf(coordinatorName);
        // move the group away from its node, to a node that is not the coordinator if there is one
        int target = 1;
        while (target == active || (target == coordinator && lab.layout().nodes() > 2 && otherThan(active, coordinator) != 0)) {
            target++;
        }
        assertThat(lab.cluster().resourceAction(active, "site", "move?node=" + name(target))).isTrue();
        Faults.Injected kill = faults.kill(coordinator);

        ProbeResult back = awaitBack(kill);
        assertThat(back.detail()).isNotEqualTo("served by " + name(coordinator));
        assertThat(watch.awaitAtMostOneHolder(System.nanoTime() + BACK_WITHIN.toNanos())).isTrue();
        assertThat(watch.splitBrainNanos()).isZero();
        // and once the coordinator is back, the cluster settles with exactly one holder
        faults.heal(coordinator);
        lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(1));
        assertThat(watch.holders()).hasSize(1);
        assertThat(watch.splitBrainNanos()).isZero();
    }

    /** A node that is neither a nor b, or 0. */
    private int otherThan(int a, int b) {
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            if (i != a && i != b) {
                return i;
            }
        }
        return 0;
    }
}
