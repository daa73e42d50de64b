package haven.sim;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Two of issue 13's ways to run twice, reproduced in the simulator. Both fail today (a resource on two nodes);
 * the fixes belong in haven.node (Lease) and haven.guard (GuardLink). Enable each once its fix is merged.
 */
class RunTwiceScenariosTest {
    static final NodeId N1 = NodeId.of("n1");

    /**
     * The active node is cut off one way (it hears its peers, they do not hear it) and stalls 370 ms as they
     * drop it: the beats queued during the stall are stamped when read and renew its lease, while the
     * majority, which waited out the lease from its view change, starts the group (seed 6: vip on n1 and n2).
     */
    @Disabled("issue 13: Lease renews from beats stamped on reading; enable after the Lease fix")
    @Test
    void aShortStallDuringAOneWayCutDoesNotRenewTheLeaseFromQueuedBeats() {
        for (long seed = 1; seed <= 40; seed++) {
            SimCluster c = new SimCluster(SimConfigs.web(3), seed);
            c.runUntil(5_000);
            c.cutOneWay(N1);
            c.runUntil(5_300 + seed * 10);
            c.pause(N1, 370);
            c.runUntil(9_000);
            assertThat(c.violations).as("seed %d%n%s", seed, String.join("\n", c.trace)).isEmpty();
        }
    }

    /**
     * The guard dies eleven times: GuardLink's budget of ten restarts is used up and the daemon carries on
     * unguarded with its lease and resources; its daemon is then killed and nothing forces them off. The
     * simulator models GuardLink's end of the pipe ({@link SimGuard}): update it with the fix.
     */
    @Disabled("issue 13: a node that cannot keep a guard keeps its resources; enable after the GuardLink fix")
    @Test
    void aNodeThatCannotKeepAGuardDoesNotKeepItsResources() {
        SimCluster c = new SimCluster(SimConfigs.web(3), 1);
        c.runUntil(5_000);
        c.guardDies(N1, SimGuard.MAX_RESTARTS + 1, 600, false);
        c.runUntil(12_000);
        c.killDaemon(N1);
        c.runUntil(15_000);
        assertThat(c.violations).as(String.join("\n", c.trace)).isEmpty();
    }
}
