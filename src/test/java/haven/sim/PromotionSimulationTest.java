package haven.sim;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which replica takes the primary role, on the real node logic with simulated copies ({@link SimCopies}): a replica
 * that was cut off while the primary wrote on must not be promoted while one that kept up is there to take it.
 */
class PromotionSimulationTest {
    private static final ResourceId SITE = ResourceId.of("site");
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");

    /**
     * n2's replica is killed and started again just before n1, the primary, loses power: n2 runs again but never
     * caught up, while n3 kept up. The two copies rank alike by their scores (same epoch, both replicas), and the
     * coordinator tries n2 first (tied and least loaded): the refusal of the copy that is behind makes n3 the primary.
     */
    @Test
    void aReplicaRestartedJustBeforeThePrimaryIsLostIsNotPromotedOverOneThatKeptUp() {
        SimCluster c = scenario(Mutation.NONE);
        assertThat(c.violations).as(String.join("\n", c.trace)).isEmpty();
        assertThat(c.probes).contains(SimProbe.PROMOTION_REFUSED_BEHIND);
        assertThat(c.checks.primaries(SITE)).containsExactly(N3);
        // The refusal is no failure (the only one of n2's is its killed replica), so it counts toward no ban, and
        // costs n2 neither its replica nor the role's next chance: it follows the new primary and ends with what n3
        // holds, in n3's epoch.
        assertThat(c.trace.stream().filter(t -> t.contains(" COMMIT ") && t.contains("ResourceFailed[resource=site, node=n2")))
                .as(String.join("\n", c.trace)).hasSize(1);
        c.runUntil(c.now() + 2 * SimCopies.CATCH_UP_MS);
        assertThat(c.holders(SITE)).contains(N2);
        assertThat(c.copies.of(N2, SITE).epoch()).isEqualTo(c.copies.of(N3, SITE).epoch());
    }

    /** The same history with the agents trusting the scores alone: the copy that is behind is promoted, and the check says so. */
    @Test
    void withoutThePrePromotionQueryTheCopyThatIsBehindIsPromotedAndTheCheckCatchesIt() {
        SimCluster c = scenario(Mutation.PROMOTE_BEHIND);
        assertThat(c.violations).anyMatch(v -> v.contains("site promoted on n2 behind the copy on n3"));
    }

    /**
     * n2's replica is restarting when n1, the primary, loses power and n3 is cut off at the same moment: no node has
     * quorum, so every instance stops, and n2's copy is behind n3's. When n3 is back no copy has a score and both
     * nodes were instances all along: a coordinator that chose then would guess, and its guess (tied, the first) is
     * n2, whose pre-promotion query cannot see n3's copy if n3's instance is still starting (here it has started
     * by then; a PostgreSQL replica's start takes seconds). The coordinator waits until both instances run and have
     * reported; n2's promotion is then refused and n3, which kept up, takes the role.
     */
    @Test
    void afterTheWholeClusterLostQuorumTheCopyThatKeptUpIsPromotedNotAGuess() {
        SimCluster c = new SimCluster(SimConfigs.promotable(3), 11);
        c.runUntil(5_000);
        assertThat(c.checks.primaries(SITE)).containsExactly(N1);
        c.killService(N2, SITE);
        c.runUntil(5_300);
        c.crash(N1);
        c.isolate(N3, 1);
        c.runUntil(8_000);
        assertThat(c.holders(SITE)).as("without quorum no instance runs").isEmpty();
        assertThat(c.copies.of(N3, SITE).aheadOf(c.copies.of(N2, SITE))).as("n3 kept up, n2 did not").isTrue();
        int healed = c.trace.size();
        c.heal();
        c.runUntil(18_000);
        String history = String.join("\n", c.trace);
        assertThat(c.violations).as(history).isEmpty();
        assertThat(c.checks.primaries(SITE)).as(history).containsExactly(N3);
        // The role was assigned only once both copies had a score (the race with n3's start is not left to chance).
        List<String> after = c.trace.subList(healed, c.trace.size());
        int assigned = firstCommit(after, "Assign[group=web, node=Optional[n");
        assertThat(firstCommit(after, "PromotionScore[group=web, node=n2, score=Optional[")).as(history).isBetween(0, assigned);
        assertThat(firstCommit(after, "PromotionScore[group=web, node=n3, score=Optional[")).as(history).isBetween(0, assigned);
    }

    private static int firstCommit(List<String> trace, String command) {
        for (int i = 0; i < trace.size(); i++) {
            if (trace.get(i).contains(" COMMIT ") && trace.get(i).contains(command)) return i;
        }
        return -1;
    }

    private static SimCluster scenario(Mutation mutation) {
        SimCluster c = new SimCluster(SimConfigs.promotable(3), 11, mutation);
        c.runUntil(5_000);
        assertThat(c.checks.primaries(SITE)).containsExactly(N1);
        c.killService(N2, SITE);
        c.runUntil(5_300);
        assertThat(c.holders(SITE)).as("n2's replica runs again").contains(N2);
        c.crash(N1);
        assertThat(c.copies.of(N3, SITE).applied()).as("n3 kept up, n2 did not").isGreaterThan(c.copies.of(N2, SITE).applied());
        c.runUntil(12_000);
        return c;
    }
}
