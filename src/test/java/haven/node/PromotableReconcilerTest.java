package haven.node;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.NodeId;
import haven.core.Operation;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How one node takes a promotable group to its role here, one operation at a time, and steps down in reverse. */
class PromotableReconcilerTest {
    static final NodeId SELF = GroupReconcilerTest.SELF;
    static final ResourceId PG = ResourceId.of("pg");
    static final ResourceId IP = ResourceId.of("ip");
    static final ClusterConfig CONFIG = promotable(TestClusters.oneGroup(3, "db", null, "pg", "ip"));
    static final GroupConfig DB = CONFIG.groups().get(0);
    static final GroupState PRIMARY_HERE = new GroupState(Optional.of(SELF), 7, new TreeSet<>(Set.of(SELF)), false,
            new TreeSet<>(Set.of(SELF, GroupReconcilerTest.OTHER)));
    /** The role was taken off this node (a move), which has not yet said it stepped down. */
    static final GroupState ROLE_TAKEN_OFF = new GroupState(Optional.empty(), 7, new TreeSet<>(Set.of(SELF)), false,
            new TreeSet<>(Set.of(SELF, GroupReconcilerTest.OTHER)));

    static ClusterConfig promotable(ClusterConfig c) {
        GroupConfig plain = c.groups().get(0);
        GroupConfig g = new GroupConfig(plain.id(), plain.members(), plain.preferredNode(), plain.order(), plain.startOrder(),
                Optional.of(new GroupConfig.Promotable(List.of(PG), GroupConfig.Promotable.EVERY_NODE)));
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(), c.resources(), List.of(g));
    }

    LocalResources local;
    PromotableReconciler reconciler;
    GroupReconcilerTest.Recorded reports;

    @BeforeEach
    void setUp() {
        local = new LocalResources(CONFIG);
        reconciler = new PromotableReconciler(SELF, local);
        reports = new GroupReconcilerTest.Recorded();
    }

    List<Effect.RunOp> step(GroupState committed, PromotableReconciler.Role role) {
        List<Effect> out = new ArrayList<>();
        reconciler.step(DB, committed, role, true, true, reports, out::add);
        return out.stream().map(e -> (Effect.RunOp) e).toList();
    }

    /** Runs one step, expects exactly one operation, completes it with {@code result}; the operation. */
    String next(GroupState committed, PromotableReconciler.Role role, LocalState result) {
        List<Effect.RunOp> ops = step(committed, role);
        assertThat(ops).hasSize(1);
        Effect.RunOp op = ops.get(0);
        assertThat(local.finish(op.resource(), op.opId())).isTrue();
        local.set(op.resource(), result);
        return op.op().name().toLowerCase() + " " + op.resource() + (op.generation() > 0 ? " gen " + op.generation() : "");
    }

    @Test
    void thePrimaryStartsThePromotedMemberPromotesItThenStartsTheRest() {
        assertThat(step(PRIMARY_HERE, PromotableReconciler.Role.PRIMARY)).extracting(Effect.RunOp::op)
                .containsExactly(Operation.MONITOR, Operation.MONITOR);
        local.set(PG, LocalState.STOPPED);
        local.set(IP, LocalState.STOPPED);
        local.finish(PG, 1);
        local.finish(IP, 2);
        List<String> done = new ArrayList<>();
        done.add(next(PRIMARY_HERE, PromotableReconciler.Role.PRIMARY, LocalState.STARTED));
        done.add(next(PRIMARY_HERE, PromotableReconciler.Role.PRIMARY, LocalState.PROMOTED));
        done.add(next(PRIMARY_HERE, PromotableReconciler.Role.PRIMARY, LocalState.STARTED));
        assertThat(done).containsExactly("start pg gen 7", "promote pg gen 7", "start ip gen 7");
        assertThat(step(PRIMARY_HERE, PromotableReconciler.Role.PRIMARY)).isEmpty();
        assertThat(reports.lines).containsExactly("started db 7");
    }

    @Test
    void aReplicaRunsOnlyThePromotedMembersUnpromoted() {
        local.set(PG, LocalState.STOPPED);
        local.set(IP, LocalState.STOPPED);
        GroupState elsewhere = new GroupState(Optional.of(GroupReconcilerTest.OTHER), 7, new TreeSet<>(Set.of(GroupReconcilerTest.OTHER)),
                true, new TreeSet<>(Set.of(SELF, GroupReconcilerTest.OTHER)));
        assertThat(next(elsewhere, PromotableReconciler.Role.REPLICA, LocalState.STARTED)).isEqualTo("start pg gen 7");
        assertThat(step(elsewhere, PromotableReconciler.Role.REPLICA)).isEmpty();
        assertThat(reports.lines).as("a node that never held the role has nothing to release").isEmpty();
    }

    @Test
    void steppingDownStopsThePrimaryOnlyMembersDemotesAndOnlyThenReleasesTheRole() {
        local.set(PG, LocalState.PROMOTED);
        local.set(IP, LocalState.STARTED);
        assertThat(next(ROLE_TAKEN_OFF, PromotableReconciler.Role.REPLICA, LocalState.STOPPED)).isEqualTo("stop ip");
        assertThat(reports.lines).isEmpty();
        assertThat(next(ROLE_TAKEN_OFF, PromotableReconciler.Role.REPLICA, LocalState.STARTED)).isEqualTo("demote pg");
        assertThat(reports.lines).isEmpty();
        assertThat(step(ROLE_TAKEN_OFF, PromotableReconciler.Role.REPLICA)).isEmpty();
        assertThat(reports.lines).containsExactly("released db 7");
        assertThat(local.state(PG)).as("the replica keeps running").isEqualTo(LocalState.STARTED);
    }

    @Test
    void aFailedPromotedMemberMayStillHoldTheRoleSoItIsStoppedBeforeTheRelease() {
        local.set(PG, LocalState.FAILED);
        local.set(IP, LocalState.STOPPED);
        assertThat(next(ROLE_TAKEN_OFF, PromotableReconciler.Role.REPLICA, LocalState.STOPPED)).isEqualTo("stop pg");
        assertThat(reports.lines).isEmpty();
        assertThat(next(ROLE_TAKEN_OFF, PromotableReconciler.Role.REPLICA, LocalState.STARTED)).isEqualTo("start pg gen 7");
        assertThat(reports.lines).containsExactly("released db 7");
    }

    @Test
    void noInstanceHereDemotesThenStops() {
        local.set(PG, LocalState.PROMOTED);
        local.set(IP, LocalState.STOPPED);
        assertThat(next(ROLE_TAKEN_OFF, PromotableReconciler.Role.NONE, LocalState.STARTED)).isEqualTo("demote pg");
        assertThat(next(ROLE_TAKEN_OFF, PromotableReconciler.Role.NONE, LocalState.STOPPED)).isEqualTo("stop pg");
        assertThat(reports.lines).containsExactly("released db 7");
    }

    @Test
    void aPrimaryWhosePromotedMemberFailedStopsTheRestFirstThenStartsAndPromotesAgain() {
        local.set(PG, LocalState.FAILED);
        local.set(IP, LocalState.STARTED);
        List<String> done = new ArrayList<>();
        done.add(next(PRIMARY_HERE, PromotableReconciler.Role.PRIMARY, LocalState.STOPPED));
        done.add(next(PRIMARY_HERE, PromotableReconciler.Role.PRIMARY, LocalState.STOPPED));
        done.add(next(PRIMARY_HERE, PromotableReconciler.Role.PRIMARY, LocalState.STARTED));
        done.add(next(PRIMARY_HERE, PromotableReconciler.Role.PRIMARY, LocalState.PROMOTED));
        done.add(next(PRIMARY_HERE, PromotableReconciler.Role.PRIMARY, LocalState.STARTED));
        assertThat(done).containsExactly("stop ip", "stop pg", "start pg gen 7", "promote pg gen 7", "start ip gen 7");
    }

    @Test
    void withoutTheLeaseThePrimaryRoleIsNotTakenButNothingIsStoppedEither() {
        local.set(PG, LocalState.STARTED);
        local.set(IP, LocalState.STOPPED);
        List<Effect> out = new ArrayList<>();
        reconciler.step(DB, PRIMARY_HERE, PromotableReconciler.Role.PRIMARY, false, true, reports, out::add);
        assertThat(out).isEmpty();
    }
}
