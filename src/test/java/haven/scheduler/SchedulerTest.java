package haven.scheduler;

import static haven.scheduler.Clusters.assign;
import static haven.scheduler.Clusters.commit;
import static haven.scheduler.Clusters.config;
import static haven.scheduler.Clusters.g;
import static haven.scheduler.Clusters.group;
import static haven.scheduler.Clusters.n;
import static haven.scheduler.Clusters.nodes;
import static haven.scheduler.Clusters.r;
import static haven.scheduler.Clusters.takeOff;
import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.config.Policy;
import haven.core.NodeId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One test per placement rule of {@link Scheduler}; the random-input properties are in SchedulerPropertyTest. */
class SchedulerTest {
    static final long NOW = 1_700_000_000_000L;
    static final Set<NodeId> ALL3 = nodes("n1", "n2", "n3");
    static final ClusterConfig WEB_ON_N1 = config(3, group("web", "n1", "vip", "site"));

    static Plan plan(ClusterConfig c, ClusterState s, Set<NodeId> online) {
        return Scheduler.plan(SchedulerInput.of(c, s, online, Set.of(), NOW));
    }

    static Plan plan(ClusterConfig c, ClusterState s, Set<NodeId> online, Set<NodeId> lost) {
        return Scheduler.plan(SchedulerInput.of(c, s, online, lost, NOW));
    }

    static Command.Assign placed(String group, String node, String reason) {
        return new Command.Assign(g(group), Optional.of(n(node)), reason);
    }

    static Command.Assign off(String group, String reason) {
        return new Command.Assign(g(group), Optional.empty(), reason);
    }

    static ClusterConfig withPolicy(ClusterConfig c, Policy p) {
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), p, c.nodes(), c.resources(), c.groups());
    }

    static Command failure(String resource, String node, long atEpochMs) {
        return new Command.ResourceFailed(r(resource), n(node), atEpochMs, "test");
    }

    @Test
    void coldStartPlacesAGroupOnItsPreferredNode() {
        Plan p = plan(config(3, group("web", "n2", "vip", "site")), ClusterState.EMPTY, ALL3);
        assertThat(p.commands()).containsExactly(placed("web", "n2", "preferred node"));
        assertThat(p.explanations().get(g("web")).target()).contains(n("n2"));
    }

    @Test
    void aWitnessIsNeverChosenEvenWhenItIsTheOnlyNodeLeft() {
        ClusterConfig base = config(3, group("a", null, "ra"), group("b", null, "rb"), group("c", null, "rc"));
        List<haven.config.NodeConfig> ns = new java.util.ArrayList<>(base.nodes());
        ns.set(2, new haven.config.NodeConfig(n("n3"), "10.0.0.3", haven.config.NodeConfig.Role.WITNESS));
        ClusterConfig c = new ClusterConfig(base.clusterName(), base.key(), base.port(), base.apiPort(), base.timing(),
                base.policy(), ns, base.resources(), base.groups());
        Plan p = plan(c, ClusterState.EMPTY, ALL3);
        assertThat(p.commands()).containsExactly(
                placed("a", "n1", "least loaded eligible node"),
                placed("b", "n2", "least loaded eligible node"),
                placed("c", "n1", "least loaded eligible node"));
        Plan alone = plan(c, ClusterState.EMPTY, nodes("n3"));
        assertThat(alone.commands()).isEmpty();
        assertThat(alone.explanations().get(g("a")).toString()).contains("n3: a witness (votes, runs nothing)");
    }

    @Test
    void aNodeThatReachesFewerPingNodesGivesItsGroupToOneThatReachesMore() {
        ClusterConfig c = config(3, group("web", "n1", "vip", "site"));
        ClusterState s = commit(ClusterState.EMPTY, placed("web", "n1", "preferred node"), new Command.Started(g("web"), n("n1"), 1),
                new Command.Connectivity(n("n1"), 1), new Command.Connectivity(n("n2"), 1), new Command.Connectivity(n("n3"), 1));
        assertThat(plan(c, s, ALL3).commands()).as("all equal: stays").isEmpty();
        ClusterState uplinkLost = commit(s, new Command.Connectivity(n("n1"), 0));
        Plan p = plan(c, uplinkLost, ALL3);
        assertThat(p.commands()).containsExactly(off("web", "move to n2"));
        assertThat(p.explanations().get(g("web")).toString()).contains("n1: reaches 0 ping node(s), fewer than n2 (1)");
    }

    @Test
    void groupWithoutPreferenceGoesToTheLeastLoadedEligibleNodeTiesByName() {
        ClusterConfig c = config(3, group("a", "n1", "ra"), group("b", null, "rb"), group("c", null, "rc"), group("d", null, "rd"));
        Plan p = plan(c, ClusterState.EMPTY, ALL3);
        // a takes n1; b and c fill the empty nodes in name order; d then ties all three at one group each.
        assertThat(p.commands()).containsExactly(
                placed("a", "n1", "preferred node"),
                placed("b", "n2", "least loaded eligible node"),
                placed("c", "n3", "least loaded eligible node"),
                placed("d", "n1", "least loaded eligible node"));
    }

    @Test
    void leastLoadedCountsGroupsAlreadyPlaced() {
        ClusterConfig c = config(3, group("a", null, "ra"), group("b", null, "rb"), group("c", null, "rc"));
        ClusterState s = commit(ClusterState.EMPTY, assign("a", "n1"), assign("b", "n2"));
        assertThat(plan(c, s, ALL3).commands()).containsExactly(placed("c", "n3", "least loaded eligible node"));
    }

    @Test
    void preferredNodeOfflineStartsTheGroupOnAnotherNode() {
        Plan p = plan(WEB_ON_N1, ClusterState.EMPTY, nodes("n2", "n3"));
        assertThat(p.commands()).containsExactly(placed("web", "n2", "least loaded eligible node"));
    }

    @Test
    void lostNodesGroupsMoveInOneEntry() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"), new Command.Started(g("web"), n("n1"), 1));
        Plan p = plan(WEB_ON_N1, s, nodes("n2", "n3"), nodes("n1"));
        assertThat(p.commands()).containsExactly(new Command.NodeLost(n("n1")), placed("web", "n2", "least loaded eligible node"));
        ClusterState after = s.apply(p.commands());
        assertThat(after.group(g("web")).assigned()).contains(n("n2"));
        assertThat(after.group(g("web")).mayBeActive()).containsExactly(n("n2"));
    }

    @Test
    void nodeOutOfTheViewIsWaitedForUntilDeclaredLost() {
        // Out of the view but not yet lost: its lease may still be valid, so it may still run the group.
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"));
        Plan p = plan(WEB_ON_N1, s, nodes("n2", "n3"));
        assertThat(p.commands()).isEmpty();
        assertThat(p.explanations().get(g("web")).decision()).startsWith("waiting: n1 left the cluster");
    }

    @Test
    void groupTakenOffButNotReleasedIsWaitedForEvenIfItsHolderLeft() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"), takeOff("web"));
        Plan waiting = plan(WEB_ON_N1, s, nodes("n2", "n3"));
        assertThat(waiting.commands()).isEmpty();
        assertThat(waiting.explanations().get(g("web")).decision()).contains("may still be active on [n1]");
        Plan lost = plan(WEB_ON_N1, s, nodes("n2", "n3"), nodes("n1"));
        assertThat(lost.commands()).containsExactly(new Command.NodeLost(n("n1")), placed("web", "n2", "least loaded eligible node"));
    }

    @Test
    void moveTakesTwoCommitsTakeOffThenPlaceAfterRelease() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"), new Command.Started(g("web"), n("n1"), 1),
                new Command.Move(g("web"), Optional.of(n("n3"))));
        Plan first = plan(WEB_ON_N1, s, ALL3);
        assertThat(first.commands()).containsExactly(off("web", "move to n3"));
        s = s.apply(first.commands());

        Plan whileStopping = plan(WEB_ON_N1, s, ALL3);
        assertThat(whileStopping.commands()).isEmpty();

        s = commit(s, new Command.Released(g("web"), n("n1"), 1));
        Plan second = plan(WEB_ON_N1, s, ALL3);
        assertThat(second.commands()).containsExactly(placed("web", "n3", "moved there by an administrator"));
        s = s.apply(second.commands());
        assertThat(plan(WEB_ON_N1, s, ALL3).commands()).isEmpty();
    }

    @Test
    void moveToAnIneligibleNodeIsIgnored() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"), new Command.Move(g("web"), Optional.of(n("n3"))),
                new Command.SetStandby(n("n3"), true));
        assertThat(plan(WEB_ON_N1, s, ALL3).commands()).isEmpty();
        assertThat(plan(WEB_ON_N1, commit(s, new Command.SetStandby(n("n3"), false)), ALL3).commands())
                .containsExactly(off("web", "move to n3"));
    }

    @Test
    void migrationThresholdWithinTheWindowMovesTheGroupAway() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"),
                failure("site", "n1", NOW - 60_000), failure("site", "n1", NOW - 30_000));
        assertThat(plan(WEB_ON_N1, s, ALL3).commands()).as("two failures, threshold three").isEmpty();

        s = commit(s, failure("site", "n1", NOW - 1_000));
        Plan p = plan(WEB_ON_N1, s, ALL3);
        assertThat(p.commands()).containsExactly(off("web", "move to n2"));
        assertThat(p.explanations().get(g("web")).nodeReasons())
                .anySatisfy(line -> assertThat(line).startsWith("n1: 3 failures of site within 10m"));
    }

    @Test
    void failuresOlderThanTheWindowDoNotCount() {
        long window = Policy.DEFAULT.failureWindow().toMillis();
        ClusterState base = commit(ClusterState.EMPTY, assign("web", "n1"),
                failure("site", "n1", NOW - window - 1), failure("site", "n1", NOW - 5), failure("site", "n1", NOW - 6),
                failure("vip", "n1", NOW - 5));
        // Failures of different members are counted apart: two of vip and two of site is not three of one resource.
        assertThat(plan(WEB_ON_N1, commit(base, failure("vip", "n1", NOW - 4)), ALL3).commands()).isEmpty();
        assertThat(plan(WEB_ON_N1, base, ALL3).commands()).isEmpty();
        // The window's start is inclusive.
        assertThat(plan(WEB_ON_N1, commit(base, failure("site", "n1", NOW - window)), ALL3).commands())
                .containsExactly(off("web", "move to n2"));
    }

    @Test
    void failuresOnAnotherNodeDoNotCountHere() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"),
                failure("site", "n2", NOW - 2), failure("site", "n2", NOW - 1), failure("site", "n2", NOW));
        assertThat(plan(WEB_ON_N1, s, ALL3).commands()).isEmpty();
    }

    @Test
    void oneFailureThisNodeCannotCureBansItAtOnce() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"), new Command.ResourceFailed(r("site"), n("n1"), NOW - 1,
                "start: config_error (exit 5 (not installed))", haven.cib.FailureScope.NODE));
        Plan p = plan(WEB_ON_N1, s, ALL3);
        assertThat(p.commands()).containsExactly(off("web", "move to n2"));
        assertThat(p.explanations().get(g("web")).nodeReasons()).anySatisfy(line -> assertThat(line).startsWith("n1: site cannot run here"));
    }

    @Test
    void aWrongConfigStopsTheGroupEverywhereUntilCleanedUp() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"), new Command.ResourceFailed(r("site"), n("n1"), NOW - 1,
                "monitor: fatal (exit 6 (not configured))", haven.cib.FailureScope.EVERYWHERE));
        Plan p = plan(WEB_ON_N1, s, ALL3);
        assertThat(p.commands()).containsExactly(off("web", "stop (no eligible node)"));
        assertThat(p.explanations().get(g("web")).nodeReasons()).allSatisfy(line -> assertThat(line).contains("site cannot run anywhere"));
        ClusterState cleaned = commit(commit(s, off("web", "stop (no eligible node)")), new Command.Cleanup(r("site"), Optional.empty()));
        assertThat(plan(WEB_ON_N1, cleaned, ALL3).commands()).as("placed again once cleaned up").isNotEmpty();
    }

    @Test
    void cleanupMakesAFailedNodeEligibleAgain() {
        ClusterState failed = commit(ClusterState.EMPTY,
                failure("site", "n1", NOW - 3), failure("site", "n1", NOW - 2), failure("site", "n1", NOW - 1));
        assertThat(plan(WEB_ON_N1, failed, ALL3).commands()).containsExactly(placed("web", "n2", "least loaded eligible node"));
        ClusterState elsewhere = commit(failed, new Command.Cleanup(r("site"), Optional.of(n("n2"))));
        assertThat(plan(WEB_ON_N1, elsewhere, ALL3).commands()).as("cleanup on another node").containsExactly(
                placed("web", "n2", "least loaded eligible node"));
        ClusterState cleaned = commit(failed, new Command.Cleanup(r("site"), Optional.of(n("n1"))));
        assertThat(plan(WEB_ON_N1, cleaned, ALL3).commands()).containsExactly(placed("web", "n1", "preferred node"));
    }

    @Test
    void standbyNodeGivesUpItsGroupsAndGetsNoNewOnes() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"), new Command.SetStandby(n("n1"), true));
        assertThat(plan(WEB_ON_N1, s, ALL3).commands()).containsExactly(off("web", "move to n2"));
        ClusterState cold = commit(ClusterState.EMPTY, new Command.SetStandby(n("n1"), true));
        assertThat(plan(WEB_ON_N1, cold, ALL3).commands()).containsExactly(placed("web", "n2", "least loaded eligible node"));
        assertThat(plan(WEB_ON_N1, cold, ALL3).explanations().get(g("web")).nodeReasons()).contains("n1: in standby (preferred)");
    }

    @Test
    void stickinessKeepsARunningGroupWhereItIsWhenItsPreferredNodeReturns() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n2"), new Command.Started(g("web"), n("n2"), 1));
        Plan p = plan(WEB_ON_N1, s, ALL3);
        assertThat(p.commands()).isEmpty();
        assertThat(p.explanations().get(g("web")).decision()).isEqualTo("runs on n2");
    }

    @Test
    void withoutStickinessARunningGroupReturnsToItsPreferredNodeInTwoCommits() {
        ClusterConfig c = withPolicy(WEB_ON_N1, new Policy(false, 3, Duration.ofMinutes(10)));
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n2"), new Command.Started(g("web"), n("n2"), 1));
        assertThat(plan(c, s, ALL3).commands()).containsExactly(off("web", "move to n1"));
        s = commit(s, takeOff("web"), new Command.Released(g("web"), n("n2"), 1));
        assertThat(plan(c, s, ALL3).commands()).containsExactly(placed("web", "n1", "preferred node"));
    }

    @Test
    void noEligibleNodeLeavesTheGroupUnplacedAndSaysWhy() {
        ClusterState s = commit(ClusterState.EMPTY, new Command.SetStandby(n("n2"), true), failure("vip", "n3", NOW - 2),
                failure("vip", "n3", NOW - 1), failure("vip", "n3", NOW));
        Plan p = plan(WEB_ON_N1, s, nodes("n2", "n3"));
        assertThat(p.commands()).isEmpty();
        Explanation e = p.explanations().get(g("web"));
        assertThat(e.target()).isEmpty();
        assertThat(e.decision()).isEqualTo("cannot run anywhere: no eligible node");
        assertThat(e.nodeReasons()).containsExactly("n1: not in the cluster (preferred)", "n2: in standby",
                "n3: 3 failures of vip within 10m (migration threshold 3; `haven resource cleanup vip` clears them)");
    }

    @Test
    void runningGroupWithNoEligibleNodeLeftIsStopped() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"), new Command.SetStandby(n("n1"), true));
        assertThat(plan(WEB_ON_N1, s, nodes("n1")).commands()).containsExactly(off("web", "stop (no eligible node)"));
    }

    @Test
    void lostNodeThatHeldNothingIsNotDeclaredLost() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"));
        assertThat(plan(WEB_ON_N1, s, nodes("n1", "n2"), nodes("n3")).commands()).isEmpty();
    }

    @Test
    void everyLostNodeThatMayRunSomethingIsDeclaredBeforeAnyPlacement() {
        ClusterConfig c = config(4, group("a", "n1", "ra"), group("b", "n2", "rb"));
        ClusterState s = commit(ClusterState.EMPTY, assign("a", "n1"), assign("b", "n2"), takeOff("b"));
        Plan p = plan(c, s, nodes("n3", "n4"), nodes("n1", "n2"));
        assertThat(p.commands()).containsExactly(new Command.NodeLost(n("n1")), new Command.NodeLost(n("n2")),
                placed("a", "n3", "least loaded eligible node"), placed("b", "n4", "least loaded eligible node"));
    }

    @Test
    void groupTakenOffReturnsToItsOldHolderWithoutWaitingWhenThatIsTheBestNode() {
        // Only the old holder may be active, and it is the target: no one else can run it, so no wait.
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"), new Command.SetStandby(n("n1"), true), takeOff("web"),
                new Command.SetStandby(n("n1"), false));
        assertThat(plan(WEB_ON_N1, s, ALL3).commands()).containsExactly(placed("web", "n1", "preferred node"));
    }

    @Test
    void steadyStatePlansNothing() {
        ClusterConfig c = config(3, group("a", "n1", "ra"), group("b", null, "rb"));
        ClusterState s = commit(ClusterState.EMPTY, assign("a", "n1"), assign("b", "n3"));
        Plan p = plan(c, s, ALL3);
        assertThat(p.commands()).isEmpty();
        assertThat(p.explanations()).containsOnlyKeys(g("a"), g("b"));
        assertThat(p.explanations().get(g("b")).decision()).isEqualTo("runs on n3");
    }

    @Test
    void planDoesNotChangeItsInput() {
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"));
        ClusterState copy = new ClusterState(s.version(), s.lastGeneration(), s.groups(), s.standby(), s.moves(), s.failures());
        plan(WEB_ON_N1, s, nodes("n2", "n3"), nodes("n1"));
        assertThat(s).isEqualTo(copy);
    }

    @Test
    void explanationsListEveryNodeOnceInNameOrder() {
        ClusterConfig c = config(List.of("n3", "n1", "n2"), List.of(group("web", "n2", "vip")), Policy.DEFAULT);
        Plan p = plan(c, ClusterState.EMPTY, nodes("n1", "n2"));
        assertThat(p.explanations().get(g("web")).nodeReasons())
                .containsExactly("n1: eligible", "n2: eligible (preferred)", "n3: not in the cluster");
    }
}
