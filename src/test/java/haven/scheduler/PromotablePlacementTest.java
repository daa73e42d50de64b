package haven.scheduler;

import static haven.scheduler.Clusters.commit;
import static haven.scheduler.Clusters.config;
import static haven.scheduler.Clusters.g;
import static haven.scheduler.Clusters.n;
import static haven.scheduler.Clusters.nodes;
import static haven.scheduler.Clusters.r;
import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Where a promotable group's instances run and which one holds the primary role. */
class PromotablePlacementTest {
    static final long NOW = 1_700_000_000_000L;
    static final Set<NodeId> ALL3 = nodes("n1", "n2", "n3");

    static ClusterConfig db(String preferredOrNull, int replicas) {
        GroupConfig g = new GroupConfig(GroupId.of("db"), List.of(r("pg"), r("ip")), Optional.ofNullable(preferredOrNull).map(NodeId::of),
                haven.config.StartOrder.Mode.LISTED, List.of(r("pg"), r("ip")),
                Optional.of(new GroupConfig.Promotable(List.of(r("pg")), replicas)));
        return config(3, g);
    }

    static Plan plan(ClusterConfig c, ClusterState s, Set<NodeId> online, Set<NodeId> lost) {
        return Scheduler.plan(SchedulerInput.of(c, s, online, lost, NOW));
    }

    static Command.SetInstances instances(String... names) {
        return new Command.SetInstances(g("db"), new TreeSet<>(nodes(names)));
    }

    static ClusterState applied(ClusterState s, Plan p) {
        return s.apply(p.commands());
    }

    @Test
    void coldStartRunsAnInstanceOnEveryNodeAndPromotesThePreferredOne() {
        Plan p = plan(db("n2", GroupConfig.Promotable.EVERY_NODE), ClusterState.EMPTY, ALL3, Set.of());
        assertThat(p.commands()).containsExactly(instances("n1", "n2", "n3"),
                new Command.Assign(g("db"), Optional.of(n("n2")), "preferred node"));
        assertThat(p.explanations().get(g("db")).decision()).contains("start on n2").contains("instances on n1, n2, n3");
    }

    @Test
    void replicasBoundHowManyNodesRunAnInstance() {
        Plan p = plan(db("n3", 1), ClusterState.EMPTY, ALL3, Set.of());
        assertThat(p.commands().get(0)).isEqualTo(instances("n1", "n3"));
    }

    @Test
    void aLostPrimaryIsReplacedByARunningReplicaInTheSameEntryAsItsLoss() {
        ClusterConfig c = db("n1", 1);
        ClusterState s = applied(ClusterState.EMPTY, plan(c, ClusterState.EMPTY, ALL3, Set.of()));
        assertThat(s.group(g("db")).instances()).containsExactly(n("n1"), n("n2"));
        // n1 is lost: the replica on n2 is promoted, not a fresh instance on n3 (which has no data), and n3 gets a replica.
        Plan p = plan(c, s, nodes("n2", "n3"), nodes("n1"));
        assertThat(p.commands()).containsExactly(new Command.NodeLost(n("n1")), instances("n2", "n3"),
                new Command.Assign(g("db"), Optional.of(n("n2")), "least loaded eligible node; its replica is promoted"));
        ClusterState after = applied(s, p);
        assertThat(after.group(g("db")).assigned()).contains(n("n2"));
        assertThat(after.group(g("db")).generation()).isGreaterThan(s.group(g("db")).generation());
    }

    @Test
    void whileTheOldPrimaryMayStillHoldTheRoleNoOtherNodeIsPromoted() {
        ClusterConfig c = db("n1", GroupConfig.Promotable.EVERY_NODE);
        ClusterState s = applied(ClusterState.EMPTY, plan(c, ClusterState.EMPTY, ALL3, Set.of()));
        // n1 left the view but its lease has not run out: it may still be primary.
        Plan p = plan(c, s, nodes("n2", "n3"), Set.of());
        assertThat(p.commands()).containsExactly(instances("n2", "n3"));
        assertThat(p.explanations().get(g("db")).decision()).contains("waiting: n1 left the cluster");
    }

    @Test
    void aPrimaryDoesNotFailBackToThePreferredNodeWhoseReplicaHasJustComeBack() {
        ClusterConfig c = withoutStickiness(db("n1", GroupConfig.Promotable.EVERY_NODE));
        ClusterState s = applied(ClusterState.EMPTY, plan(c, ClusterState.EMPTY, ALL3, Set.of()));
        s = applied(s, plan(c, s, nodes("n2", "n3"), nodes("n1")));
        NodeId primary = s.group(g("db")).assigned().orElseThrow();
        Plan back = plan(c, s, ALL3, Set.of());
        assertThat(back.commands()).containsExactly(instances("n1", "n2", "n3"));
        assertThat(applied(s, back).group(g("db")).assigned()).contains(primary);
    }

    @Test
    void anAdministratorsMoveTakesTheRoleOffFirstThenPromotesTheTargetOnceReleased() {
        ClusterConfig c = db("n1", GroupConfig.Promotable.EVERY_NODE);
        ClusterState s = applied(ClusterState.EMPTY, plan(c, ClusterState.EMPTY, ALL3, Set.of()));
        long generation = s.group(g("db")).generation();
        s = commit(s, new Command.Move(g("db"), Optional.of(n("n3"))));
        Plan off = plan(c, s, ALL3, Set.of());
        assertThat(off.commands()).containsExactly(new Command.Assign(g("db"), Optional.empty(), "move to n3"));
        s = applied(s, off);
        assertThat(plan(c, s, ALL3, Set.of()).commands()).as("n1 has not said it stepped down").isEmpty();
        s = commit(s, new Command.Released(g("db"), n("n1"), generation));
        assertThat(plan(c, s, ALL3, Set.of()).commands()).containsExactly(new Command.Assign(g("db"), Optional.of(n("n3")),
                "moved there by an administrator; its replica is promoted"));
    }

    @Test
    void aNodeThatCannotRunTheGroupLosesItsInstance() {
        ClusterConfig c = db("n1", GroupConfig.Promotable.EVERY_NODE);
        ClusterState s = applied(ClusterState.EMPTY, plan(c, ClusterState.EMPTY, ALL3, Set.of()));
        s = commit(s, new Command.SetStandby(n("n3"), true));
        assertThat(plan(c, s, ALL3, Set.of()).commands()).containsExactly(instances("n1", "n2"));
    }

    @Test
    void aGroupNoLongerPromotableOrRemovedLosesItsInstances() {
        ClusterConfig c = db("n1", GroupConfig.Promotable.EVERY_NODE);
        ClusterState s = applied(ClusterState.EMPTY, plan(c, ClusterState.EMPTY, ALL3, Set.of()));
        ClusterConfig plain = config(3, Clusters.group("db", "n1", "pg", "ip"));
        assertThat(plan(plain, s, ALL3, Set.of()).commands()).containsExactly(new Command.SetInstances(g("db"), new TreeSet<>()));
        ClusterConfig none = config(3, Clusters.group("other", "n1", "x"));
        assertThat(plan(none, s, ALL3, Set.of()).commands()).contains(new Command.Assign(g("db"), Optional.empty(), "removed from the config"),
                new Command.SetInstances(g("db"), new TreeSet<>()));
    }

    @Test
    void theHighestPromotionScoreWinsOverThePreferredNodeAndANegativeOneIsNoCandidate() {
        ClusterConfig c = db("n2", GroupConfig.Promotable.EVERY_NODE);
        // The primary runs on n1 (placed there by an earlier move), replicas on n2 and n3.
        ClusterState s = commit(ClusterState.EMPTY, instances("n1", "n2", "n3"), new Command.Assign(g("db"), Optional.of(n("n1")), "setup"));
        // n2 (preferred) is behind and says so; n3 is current.
        s = commit(s, new Command.PromotionScore(g("db"), n("n2"), Optional.of(-1_000_000L)),
                new Command.PromotionScore(g("db"), n("n3"), Optional.of(100L)));
        Plan p = plan(c, s, nodes("n2", "n3"), nodes("n1"));
        assertThat(p.commands()).contains(new Command.Assign(g("db"), Optional.of(n("n3")), "highest promotion score (100); its replica is promoted"));
        assertThat(p.explanations().get(g("db")).decision()).contains("promotion scores n2 -1000000, n3 100");
        // With n3 gone too, the only replica left is behind: no primary rather than a stale one.
        ClusterState afterN1 = applied(s, p);
        ClusterState withoutN3 = applied(afterN1, plan(c, afterN1, nodes("n2"), nodes("n3")));
        assertThat(withoutN3.group(g("db")).assigned()).isEmpty();
    }

    @Test
    void aPrimaryNotYetPromotedGivesWayToAnInstanceThatNowRanksAboveItButNotBeforeItReportedAScore() {
        ClusterConfig c = db("n1", GroupConfig.Promotable.EVERY_NODE);
        ClusterState s = commit(ClusterState.EMPTY, instances("n1", "n2", "n3"), new Command.Assign(g("db"), Optional.of(n("n2")), "setup"));
        // n2 has not reported yet (its start or promotion is on its way): it keeps the role whatever the others say.
        s = commit(s, new Command.PromotionScore(g("db"), n("n3"), Optional.of(11L)));
        assertThat(plan(c, s, ALL3, Set.of()).commands()).isEmpty();
        // n2's agent refused the role (a more current copy on n3) and lowered its own score: the role goes to n3.
        s = commit(s, new Command.PromotionScore(g("db"), n("n2"), Optional.of(10L)));
        Plan p = plan(c, s, ALL3, Set.of());
        assertThat(p.commands()).containsExactly(new Command.Assign(g("db"), Optional.empty(), "move to n3"));
        ClusterState released = commit(applied(s, p), new Command.Released(g("db"), n("n2"), 1));
        assertThat(plan(c, released, ALL3, Set.of()).commands()).contains(
                new Command.Assign(g("db"), Optional.of(n("n3")), "highest promotion score (11); its replica is promoted"));
        // Once promoted, a primary keeps its role: a replica's higher score moves nothing.
        ClusterState started = commit(s, new Command.PromotionScore(g("db"), n("n2"), Optional.of(22L)), new Command.Started(g("db"), n("n2"), 1));
        started = commit(started, new Command.PromotionScore(g("db"), n("n3"), Optional.of(31L)));
        assertThat(plan(c, started, ALL3, Set.of()).commands()).isEmpty();
    }

    /** {@code c} with pg of the built-in replicated type, whose agent reports a score as soon as its instance runs. */
    private static ClusterConfig builtIn(ClusterConfig c) {
        List<haven.config.ResourceConfig> rs = c.resources().stream().map(x -> !x.id().equals(r("pg")) ? x
                : new haven.config.ResourceConfig(x.id(), GroupConfig.Promotable.POSTGRESQL, java.util.Map.of("data", "/srv/pg"), x.startTimeout(),
                        x.stopTimeout(), x.monitorInterval(), x.monitorTimeout())).toList();
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(), rs, c.groups());
    }

    @Test
    void aBuiltInCopyIsPromotedOnlyOnceEveryInstanceThatCanRunHasReportedItsScore() {
        ClusterConfig ocf = db("n1", GroupConfig.Promotable.EVERY_NODE);
        ClusterConfig c = builtIn(ocf);
        // The primary n1 is lost while no instance runs (the cluster had lost quorum): n3 has reported, n2 not yet.
        ClusterState s = commit(ClusterState.EMPTY, instances("n1", "n2", "n3"), new Command.Assign(g("db"), Optional.of(n("n1")), "setup"));
        s = commit(s, new Command.NodeLost(n("n1")), new Command.PromotionScore(g("db"), n("n3"), Optional.of(11L)));
        Plan waiting = plan(c, s, nodes("n2", "n3"), nodes("n1"));
        assertThat(waiting.commands()).noneMatch(x -> x instanceof Command.Assign);
        assertThat(waiting.explanations().get(g("db")).decision()).contains("waiting for the promotion scores of the instances on n2");
        // An OCF agent may never set a score: its group does not wait.
        assertThat(plan(ocf, s, nodes("n2", "n3"), nodes("n1")).commands()).anyMatch(x -> x instanceof Command.Assign);
        // Once n2 reported (it holds more), it is promoted.
        ClusterState reported = commit(s, new Command.PromotionScore(g("db"), n("n2"), Optional.of(21L)));
        assertThat(plan(c, reported, nodes("n2", "n3"), nodes("n1")).commands()).contains(
                new Command.Assign(g("db"), Optional.of(n("n2")), "highest promotion score (21); its replica is promoted"));
        // An instance that failed instead of reporting is not waited for.
        ClusterState failed = commit(s, new Command.ResourceFailed(r("pg"), n("n2"), NOW - 1_000, "start failed", haven.cib.FailureScope.LOCAL));
        assertThat(plan(c, failed, nodes("n2", "n3"), nodes("n1")).commands()).contains(
                new Command.Assign(g("db"), Optional.of(n("n3")), "least loaded eligible node; its replica is promoted"));
    }

    @Test
    void aScoreCountsOnlyForANodeThatRunsAnInstanceAndGoesWithItsNode() {
        ClusterConfig c = db("n1", 1);
        ClusterState s = applied(ClusterState.EMPTY, plan(c, ClusterState.EMPTY, ALL3, Set.of()));
        assertThat(s.group(g("db")).instances()).containsExactly(n("n1"), n("n2"));
        s = commit(s, new Command.PromotionScore(g("db"), n("n3"), Optional.of(5L)), new Command.PromotionScore(g("db"), n("n2"), Optional.of(5L)),
                new Command.PromotionScore(g("db"), n("n1"), Optional.of(10L)));
        assertThat(s.group(g("db")).scores()).containsOnlyKeys(n("n1"), n("n2"));
        s = commit(s, new Command.NodeLost(n("n2")));
        assertThat(s.group(g("db")).scores()).containsOnlyKeys(n("n1"));
        s = commit(s, new Command.SetInstances(g("db"), new TreeSet<>(nodes("n3"))));
        assertThat(s.group(g("db")).scores()).isEmpty();
    }

    private static ClusterConfig withoutStickiness(ClusterConfig c) {
        haven.config.Policy p = haven.config.Policy.DEFAULT;
        haven.config.Policy loose = new haven.config.Policy(false, p.migrationThreshold(), p.failureWindow(), p.multipleActive());
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), loose, c.nodes(), c.resources(), c.groups());
    }
}
