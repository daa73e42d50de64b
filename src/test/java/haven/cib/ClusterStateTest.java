package haven.cib;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The rules of {@link ClusterState#apply}: the state machine every node runs on the same log. */
class ClusterStateTest {
    static final GroupId WEB = GroupId.of("web");
    static final GroupId DB = GroupId.of("db");
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final NodeId C = NodeId.of("c");
    static final ResourceId SITE = ResourceId.of("site");
    static final ResourceId VIP = ResourceId.of("vip");

    static Command assign(GroupId g, NodeId n) {
        return new Command.Assign(g, Optional.of(n), "test");
    }

    static Command takeOff(GroupId g) {
        return new Command.Assign(g, Optional.empty(), "test");
    }

    static ClusterState applyEach(ClusterState s, Command... commands) {
        for (Command c : commands) s = s.apply(List.of(c));
        return s;
    }

    @Test
    void applyCountsOneVersionPerEntryHoweverManyCommandsItHolds() {
        ClusterState s = ClusterState.EMPTY.apply(List.of(assign(WEB, A), assign(DB, B), new Command.SetStandby(C, true)));
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.apply(List.of()).version()).isEqualTo(2);
        // with() is the scheduler's look-ahead: it must not count versions, or plans would disagree with the log.
        assertThat(s.with(takeOff(WEB)).version()).isEqualTo(1);
    }

    @Test
    void aConfirmedFencingFreesTheNodesGroupsAndAFailedOneIsOnlyRecorded() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A));
        ClusterState failed = applyEach(s, new Command.Fenced(A, B, 10, false, "timed out"));
        assertThat(failed.group(WEB).mayBeActive()).containsExactly(A);
        assertThat(failed.fencing()).singleElement().satisfies(f -> assertThat(f.ok()).isFalse());
        ClusterState off = applyEach(failed, new Command.Fenced(A, B, 20, true, "confirmed off"));
        assertThat(off.group(WEB).mayBeActive()).isEmpty();
        assertThat(off.group(WEB).assigned()).isEmpty();
        assertThat(off.fencing()).hasSize(2);
    }

    @Test
    void connectivityIsTheLatestReportPerNode() {
        ClusterState s = applyEach(ClusterState.EMPTY, new Command.Connectivity(A, 2), new Command.Connectivity(B, 2),
                new Command.Connectivity(A, 0));
        assertThat(s.connectivity()).containsEntry(A, 0).containsEntry(B, 2);
    }

    @Test
    void everyAssignmentTakesANewClusterWideGeneration() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A), assign(DB, B));
        assertThat(s.group(WEB).generation()).isEqualTo(1);
        assertThat(s.group(DB).generation()).isEqualTo(2);
        assertThat(s.lastGeneration()).isEqualTo(2);
        s = applyEach(s, takeOff(WEB));
        // Taking a group off is not an assignment: the generation stays, so the old holder's Released matches it.
        assertThat(s.group(WEB).generation()).isEqualTo(1);
        s = applyEach(s, new Command.Released(WEB, A, 1), assign(WEB, C));
        assertThat(s.group(WEB).generation()).isEqualTo(3);
    }

    /**
     * A random walk over every command kind, with reports carrying only generations the group really had
     * (as nodes do). Generations never go back, and an assigned group may be active only on its holder.
     */
    @Test
    void generationsOnlyGrowAndAnAssignedGroupMayBeActiveOnlyOnItsHolder() {
        List<NodeId> nodes = List.of(A, B, C);
        List<GroupId> groups = List.of(WEB, DB);
        for (long seed = 1; seed <= 200; seed++) {
            Random rnd = new Random(seed);
            ClusterState s = ClusterState.EMPTY;
            Map<GroupId, List<Long>> seen = new TreeMap<>();
            for (int step = 0; step < 60; step++) {
                GroupId g = groups.get(rnd.nextInt(groups.size()));
                NodeId n = nodes.get(rnd.nextInt(nodes.size()));
                List<Long> gens = seen.computeIfAbsent(g, k -> new ArrayList<>(List.of(0L)));
                long gen = gens.get(rnd.nextInt(gens.size()));
                Command c = switch (rnd.nextInt(7)) {
                    case 0, 1 -> assign(g, n);
                    case 2 -> takeOff(g);
                    case 3 -> new Command.Released(g, n, gen);
                    case 4 -> new Command.Started(g, n, gen);
                    case 5 -> new Command.NodeLost(n);
                    default -> new Command.SetStandby(n, rnd.nextBoolean());
                };
                ClusterState next = s.apply(List.of(c));
                assertThat(next.lastGeneration()).as("seed %d step %d %s", seed, step, c).isGreaterThanOrEqualTo(s.lastGeneration());
                for (GroupId x : groups) {
                    GroupState before = s.group(x);
                    GroupState after = next.group(x);
                    assertThat(after.generation()).as("seed %d step %d %s", seed, step, c).isGreaterThanOrEqualTo(before.generation());
                    assertThat(after.generation()).isLessThanOrEqualTo(next.lastGeneration());
                    if (after.assigned().isPresent()) {
                        assertThat(after.mayBeActive()).as("seed %d step %d %s", seed, step, c)
                                .containsExactly(after.assigned().get());
                    }
                }
                seen.get(g).add(next.group(g).generation());
                s = next;
            }
        }
    }

    @Test
    void assignToAnotherNodeWhileOneMayBeActiveIsSkippedAndOnlyTheVersionMoves() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A));
        ClusterState next = s.apply(List.of(assign(WEB, B)));
        assertThat(next.version()).isEqualTo(s.version() + 1);
        assertThat(next).isEqualTo(new ClusterState(s.version() + 1, s.lastGeneration(), s.groups(), s.standby(), s.moves(), s.failures()));

        // Taken off but not yet released: A may still run it, so B must still wait.
        ClusterState off = applyEach(s, takeOff(WEB));
        ClusterState tried = off.apply(List.of(assign(WEB, B)));
        assertThat(tried.groups()).isEqualTo(off.groups());
        assertThat(tried.lastGeneration()).isEqualTo(off.lastGeneration());
    }

    @Test
    void assignBackToTheOnlyNodeThatMayBeActiveIsAllowed() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A), takeOff(WEB), assign(WEB, A));
        assertThat(s.group(WEB).assigned()).contains(A);
        assertThat(s.group(WEB).generation()).isEqualTo(2);
        assertThat(s.group(WEB).mayBeActive()).containsExactly(A);
    }

    @Test
    void takingAGroupOffKeepsEveryNodeThatMayBeActiveAndClearsStarted() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A), new Command.Started(WEB, A, 1), takeOff(WEB));
        assertThat(s.group(WEB)).isEqualTo(new GroupState(Optional.empty(), 1, new TreeSet<>(Set.of(A)), false));
    }

    @Test
    void releasedOfTheTakenOffGenerationClearsTheNode() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A), takeOff(WEB), new Command.Released(WEB, A, 1));
        assertThat(s.group(WEB).mayBeActive()).isEmpty();
    }

    @Test
    void releasedFromAStaleGenerationIsIgnoredWhileTheNodeHoldsANewerOne() {
        // A released gen 1, but before that report committed the group was given back to A (gen 2).
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A), takeOff(WEB), assign(WEB, A));
        ClusterState next = applyEach(s, new Command.Released(WEB, A, 1));
        assertThat(next.group(WEB)).isEqualTo(s.group(WEB));
    }

    @Test
    void releasedOfTheCurrentAssignmentIsIgnored() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A));
        assertThat(applyEach(s, new Command.Released(WEB, A, 1)).group(WEB)).isEqualTo(s.group(WEB));
    }

    @Test
    void releasedFromANodeThatMayNotBeActiveChangesNothing() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A), takeOff(WEB));
        assertThat(applyEach(s, new Command.Released(WEB, B, 1)).groups()).isEqualTo(s.groups());
    }

    /**
     * Same rule, other path: the stale report lands after the newer generation was taken off again. A may be
     * stopping gen 2 right now, so it must stay in mayBeActive until it reports gen 2 released.
     */
    @Test
    void releasedFromAStaleGenerationIsIgnoredAfterTheNewerOneWasTakenOff() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A), takeOff(WEB), assign(WEB, A),
                new Command.Started(WEB, A, 2), takeOff(WEB));
        assertThat(s.group(WEB).generation()).isEqualTo(2);
        ClusterState next = applyEach(s, new Command.Released(WEB, A, 1));
        assertThat(next.group(WEB).mayBeActive()).containsExactly(A);
        // What that would allow: B placed while A may still run the group.
        assertThat(applyEach(next, assign(WEB, B)).group(WEB).assigned()).isEmpty();
    }

    @Test
    void startedCountsOnlyForTheHolderAtTheCurrentGeneration() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A), takeOff(WEB), assign(WEB, A));
        assertThat(applyEach(s, new Command.Started(WEB, A, 1)).group(WEB).started()).isFalse();
        assertThat(applyEach(s, new Command.Started(WEB, B, 2)).group(WEB).started()).isFalse();
        assertThat(applyEach(s, new Command.Started(WEB, A, 2)).group(WEB).started()).isTrue();
    }

    @Test
    void nodeLostClearsTheNodeFromEveryGroupAndKeepsOthers() {
        ClusterState s = applyEach(ClusterState.EMPTY, assign(WEB, A), new Command.Started(WEB, A, 1),
                assign(DB, B), new Command.Started(DB, B, 2), takeOff(DB));
        GroupId cache = GroupId.of("cache");
        s = applyEach(s, assign(cache, C), new Command.Started(cache, C, 3));
        s = applyEach(s, new Command.NodeLost(A), new Command.NodeLost(B));
        assertThat(s.group(WEB)).isEqualTo(new GroupState(Optional.empty(), 1, new TreeSet<>(), false));
        assertThat(s.group(DB)).isEqualTo(new GroupState(Optional.empty(), 2, new TreeSet<>(), false));
        assertThat(s.group(cache)).isEqualTo(new GroupState(Optional.of(C), 3, new TreeSet<>(Set.of(C)), true));
        // Once lost, anyone may take it at once.
        assertThat(applyEach(s, assign(WEB, B)).group(WEB).assigned()).contains(B);
    }

    @Test
    void failuresAreBoundedPerResourceAndNodeKeepingTheNewest() {
        int kept = ClusterState.FAILURES_KEPT_PER_RESOURCE_NODE;
        ClusterState s = ClusterState.EMPTY;
        for (int i = 0; i < kept + 8; i++) {
            s = applyEach(s, new Command.ResourceFailed(SITE, A, 1000 + i, "f" + i));
        }
        s = applyEach(s, new Command.ResourceFailed(SITE, B, 5, "other node"), new Command.ResourceFailed(VIP, A, 6, "other resource"));
        assertThat(s.failureCount(SITE, A, 0)).isEqualTo(kept);
        assertThat(s.failureCount(SITE, A, 1000 + 8)).isEqualTo(kept);
        assertThat(s.failureCount(SITE, B, 0)).isEqualTo(1);
        assertThat(s.failureCount(VIP, A, 0)).isEqualTo(1);
        assertThat(s.failures()).hasSize(kept + 2);
    }

    @Test
    void failureCountHonoursTheWindowStartInclusively() {
        ClusterState s = applyEach(ClusterState.EMPTY, new Command.ResourceFailed(SITE, A, 100, ""),
                new Command.ResourceFailed(SITE, A, 200, ""));
        assertThat(s.failureCount(SITE, A, 100)).isEqualTo(2);
        assertThat(s.failureCount(SITE, A, 101)).isEqualTo(1);
        assertThat(s.failureCount(SITE, A, 201)).isZero();
    }

    @Test
    void cleanupOnOneNodeForgetsOnlyThatNodesFailuresOfThatResource() {
        ClusterState s = applyEach(ClusterState.EMPTY, new Command.ResourceFailed(SITE, A, 1, ""),
                new Command.ResourceFailed(SITE, B, 2, ""), new Command.ResourceFailed(VIP, A, 3, ""),
                new Command.Cleanup(SITE, Optional.of(A)));
        assertThat(s.failureCount(SITE, A, 0)).isZero();
        assertThat(s.failureCount(SITE, B, 0)).isEqualTo(1);
        assertThat(s.failureCount(VIP, A, 0)).isEqualTo(1);
    }

    @Test
    void cleanupWithoutANodeForgetsThatResourceEverywhere() {
        ClusterState s = applyEach(ClusterState.EMPTY, new Command.ResourceFailed(SITE, A, 1, ""),
                new Command.ResourceFailed(SITE, B, 2, ""), new Command.ResourceFailed(VIP, A, 3, ""),
                new Command.Cleanup(SITE, Optional.empty()));
        assertThat(s.failureCount(SITE, A, 0)).isZero();
        assertThat(s.failureCount(SITE, B, 0)).isZero();
        assertThat(s.failureCount(VIP, A, 0)).isEqualTo(1);
    }

    @Test
    void standbyAndMovesAreSetAndCleared() {
        ClusterState s = applyEach(ClusterState.EMPTY, new Command.SetStandby(A, true), new Command.Move(WEB, Optional.of(B)));
        assertThat(s.standby()).containsExactly(A);
        assertThat(s.moves()).containsExactly(Map.entry(WEB, B));
        s = applyEach(s, new Command.SetStandby(A, false), new Command.Move(WEB, Optional.empty()));
        assertThat(s.standby()).isEmpty();
        assertThat(s.moves()).isEmpty();
    }

    @Test
    void theSameFailureOrFencingReportTwiceCountsOnce() {
        Command failed = new Command.ResourceFailed(SITE, A, 5, "monitor: failed");
        Command fenced = new Command.Fenced(B, A, 7, true, "off");
        ClusterState s = applyEach(ClusterState.EMPTY, failed, fenced, failed, fenced);
        assertThat(s.failureCount(SITE, A, 0)).isEqualTo(1);
        assertThat(s.fencing()).hasSize(1);
        s = applyEach(s, new Command.ResourceFailed(SITE, A, 6, "monitor: failed"));
        assertThat(s.failureCount(SITE, A, 0)).as("another failure, a moment later").isEqualTo(2);
    }

    @Test
    void aMovesExpiryClearsOnlyTheMoveThatEndsThenNotANewerOne() {
        ClusterState moved = applyEach(ClusterState.EMPTY, new Command.Move(WEB, Optional.of(A), Optional.of(1_000L)));
        assertThat(moved.controls().moveUntil()).containsEntry(WEB, 1_000L);
        ClusterState expired = moved.apply(List.of(new Command.Move(WEB, Optional.empty(), Optional.of(1_000L))));
        assertThat(expired.moves()).isEmpty();
        assertThat(expired.controls().moveUntil()).isEmpty();

        ClusterState movedAgain = moved.apply(List.of(new Command.Move(WEB, Optional.of(B), Optional.of(5_000L))));
        ClusterState staleExpiry = movedAgain.apply(List.of(new Command.Move(WEB, Optional.empty(), Optional.of(1_000L))));
        assertThat(staleExpiry.moves()).containsEntry(WEB, B);
        assertThat(staleExpiry.controls().moveUntil()).containsEntry(WEB, 5_000L);

        ClusterState forGood = movedAgain.apply(List.of(new Command.Move(WEB, Optional.of(C))));
        assertThat(forGood.controls().moveUntil()).as("a move without a lifetime replaces one with").isEmpty();
        assertThat(forGood.apply(List.of(new Command.Move(WEB, Optional.empty()))).moves()).as("a clear by hand clears any").isEmpty();
    }

    @Test
    void dayTwoControlsSetAndClear() {
        ClusterState s = applyEach(ClusterState.EMPTY, new Command.SetDisabled(WEB, true), new Command.SetManaged(DB, false),
                new Command.Restart(WEB, Optional.of(A)), new Command.SetNodeMaintenance(B, true));
        assertThat(s.controls().disabled()).containsExactly(WEB);
        assertThat(s.controls().unmanaged()).containsExactly(DB);
        assertThat(s.controls().restarting()).containsEntry(WEB, A);
        assertThat(s.controls().nodeMaintenance()).containsExactly(B);
        assertThat(s.controls().handsOff(DB, Optional.empty())).isTrue();
        assertThat(s.controls().handsOff(WEB, Optional.of(B))).as("placed on a node in maintenance").isTrue();
        assertThat(s.controls().handsOff(WEB, Optional.of(A))).isFalse();
        ClusterState cleared = applyEach(s, new Command.SetDisabled(WEB, false), new Command.SetManaged(DB, true),
                new Command.Restart(WEB, Optional.empty()), new Command.SetNodeMaintenance(B, false));
        assertThat(cleared.controls().isEmpty()).isTrue();
        assertThat(cleared.controls()).isEqualTo(haven.cib.AdminControls.NONE);
    }

    @Test
    void aClonesInstancesStartReleaseAndLeaveWithALostNode() {
        GroupId app = GroupId.of("app");
        ClusterState s = applyEach(ClusterState.EMPTY, new Command.SetClones(app, new TreeSet<>(List.of(A, B))));
        assertThat(s.group(app).instances()).containsExactly(A, B);
        assertThat(s.group(app).mayBeActive()).as("a listed node may run an instance at once").containsExactly(A, B);
        s = applyEach(s, new Command.InstanceStarted(app, A), new Command.InstanceStarted(app, C));
        assertThat(s.group(app).startedOn()).as("only a listed node's report counts").containsExactly(A);

        s = applyEach(s, new Command.SetClones(app, new TreeSet<>(List.of(B, C))));
        assertThat(s.group(app).mayBeActive()).as("A may still run one until it says it stopped").containsExactly(A, B, C);
        assertThat(s.group(app).startedOn()).as("A is no longer counted started").isEmpty();
        ClusterState early = s.apply(List.of(new Command.InstanceReleased(app, B)));
        assertThat(early.group(app).mayBeActive()).as("a listed node's release is ignored").contains(B);
        s = applyEach(s, new Command.InstanceReleased(app, A), new Command.InstanceStarted(app, C));
        assertThat(s.group(app).mayBeActive()).containsExactly(B, C);

        s = applyEach(s, new Command.NodeLost(C));
        assertThat(s.group(app).mayBeActive()).containsExactly(B);
        assertThat(s.group(app).startedOn()).as("nothing runs on a lost node").isEmpty();
        assertThat(s.group(app).assigned()).isEmpty();
    }
}
