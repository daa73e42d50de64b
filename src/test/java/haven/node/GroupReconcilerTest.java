package haven.node;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.core.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How one node drives one group toward the committed placement, one operation at a time. */
class GroupReconcilerTest {
    static final NodeId SELF = NodeId.of("n2");
    static final NodeId OTHER = NodeId.of("n1");
    static final ResourceId A = ResourceId.of("a");
    static final ResourceId B = ResourceId.of("b");
    static final ResourceId C = ResourceId.of("c");
    static final ClusterConfig CONFIG = TestClusters.oneGroup(3, "web", null, "a", "b", "c");
    static final GroupConfig WEB = CONFIG.groups().get(0);
    static final GroupState HERE = new GroupState(Optional.of(SELF), 4, new TreeSet<>(Set.of(SELF)), false);
    static final GroupState TAKEN_OFF = new GroupState(Optional.empty(), 4, new TreeSet<>(Set.of(SELF)), false);

    /** Records reports the way the cluster log would receive them. */
    static final class Recorded implements GroupReconciler.Reports {
        final List<String> lines = new ArrayList<>();

        @Override
        public void started(GroupId group, long generation) {
            lines.add("started " + group + " " + generation);
        }

        @Override
        public void released(GroupId group, long generation) {
            lines.add("released " + group + " " + generation);
        }

        @Override
        public void failed(Command.ResourceFailed failure) {
            lines.add("failed " + failure.resource());
        }
    }

    LocalResources local;
    GroupReconciler reconciler;
    Recorded reports;

    @BeforeEach
    void setUp() {
        local = new LocalResources(CONFIG);
        reconciler = new GroupReconciler(SELF, local);
        reports = new Recorded();
    }

    List<Effect.RunOp> step(GroupState committed, boolean shouldRun, boolean mayStart) {
        List<Effect> out = new ArrayList<>();
        reconciler.step(WEB, committed, shouldRun, mayStart, reports, out::add);
        return out.stream().map(e -> (Effect.RunOp) e).toList();
    }

    /** What NodeCore does when an operation ends: close it, then record the resulting state. */
    void complete(Effect.RunOp op, LocalState result) {
        assertThat(local.finish(op.resource(), op.opId())).isTrue();
        local.set(op.resource(), result);
    }

    void all(LocalState s) {
        for (ResourceId r : WEB.members()) local.set(r, s);
    }

    static String describe(Effect.RunOp op) {
        return op.op() + " " + op.resource();
    }

    /** Runs the group until it asks for nothing more, each operation ending in {@code result}; returns the order. */
    List<String> runToRest(GroupState committed, boolean shouldRun, LocalState result) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<Effect.RunOp> ops = step(committed, shouldRun, true);
            if (ops.isEmpty()) return order;
            assertThat(ops).as("one operation at a time").hasSize(1);
            order.add(describe(ops.get(0)));
            complete(ops.get(0), result);
        }
        throw new AssertionError("did not come to rest: " + order);
    }

    @Test
    void unknownMembersAreProbedBeforeAnythingElse() {
        List<Effect.RunOp> ops = step(HERE, true, true);
        assertThat(ops).extracting(GroupReconcilerTest::describe).containsExactly("MONITOR a", "MONITOR b", "MONITOR c");
        assertThat(reports.lines).isEmpty();
    }

    @Test
    void nothingHappensWhileAnOperationOfTheGroupIsInFlight() {
        all(LocalState.STOPPED);
        Effect.RunOp first = step(HERE, true, true).get(0);
        assertThat(first.generation()).as("a start carries the placement generation").isEqualTo(4);
        assertThat(step(HERE, true, true)).isEmpty();
        assertThat(step(TAKEN_OFF, false, false)).as("not even a stop while a start is in flight").isEmpty();
        complete(first, LocalState.STARTED);
        assertThat(step(HERE, true, true)).extracting(GroupReconcilerTest::describe).containsExactly("START b");
    }

    @Test
    void membersStartInListOrderAndTheGroupIsReportedStartedOnce() {
        all(LocalState.STOPPED);
        assertThat(runToRest(HERE, true, LocalState.STARTED)).containsExactly("START a", "START b", "START c");
        assertThat(reports.lines).containsExactly("started web 4");
    }

    @Test
    void membersStopInReverseOrderThenTheGroupIsReleased() {
        all(LocalState.STARTED);
        assertThat(runToRest(TAKEN_OFF, false, LocalState.STOPPED)).containsExactly("STOP c", "STOP b", "STOP a");
        assertThat(reports.lines).containsExactly("released web 4");
    }

    @Test
    void groupStillAssignedHereIsStoppedButNotReleased() {
        // E.g. the lease is lost: this node stops everything, but the group is still its own in the log.
        all(LocalState.STARTED);
        assertThat(runToRest(HERE, false, LocalState.STOPPED)).containsExactly("STOP c", "STOP b", "STOP a");
        assertThat(reports.lines).isEmpty();
    }

    @Test
    void groupThisNodeMayNotRunIsNotReleasedAgain() {
        all(LocalState.STOPPED);
        GroupState elsewhere = new GroupState(Optional.of(OTHER), 5, new TreeSet<>(Set.of(OTHER)), true);
        assertThat(step(elsewhere, false, true)).isEmpty();
        assertThat(step(GroupState.UNPLACED, false, true)).isEmpty();
        assertThat(reports.lines).isEmpty();
    }

    @Test
    void failedMemberIsStoppedWithThoseAfterItBeforeARestart() {
        all(LocalState.STARTED);
        local.set(B, LocalState.FAILED);
        Effect.RunOp first = step(HERE, true, true).get(0);
        assertThat(describe(first)).isEqualTo("STOP c");
        complete(first, LocalState.STOPPED);
        Effect.RunOp second = step(HERE, true, true).get(0);
        assertThat(describe(second)).as("the failed member is stopped cleanly before it is started again").isEqualTo("STOP b");
    }

    @Test
    void failedMemberRestartsWithThoseAfterItInOrder() {
        all(LocalState.STARTED);
        local.set(B, LocalState.FAILED);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<Effect.RunOp> ops = step(HERE, true, true);
            if (ops.isEmpty()) break;
            Effect.RunOp op = ops.get(0);
            order.add(describe(op));
            complete(op, op.op() == Operation.STOP ? LocalState.STOPPED : LocalState.STARTED);
        }
        assertThat(order).containsExactly("STOP c", "STOP b", "START b", "START c");
        assertThat(local.state(A)).as("members before the failed one keep running").isEqualTo(LocalState.STARTED);
        assertThat(reports.lines).containsExactly("started web 4");
    }

    /** The group as config resolves it when a is its address: a starts last and stops first. */
    static final GroupConfig ADDRESS_LAST = new GroupConfig(WEB.id(), WEB.members(), Optional.empty(),
            haven.config.StartOrder.Mode.AUTO, List.of(B, C, A));

    List<String> runToRest(GroupConfig group, GroupState committed, boolean shouldRun) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            List<Effect> out = new ArrayList<>();
            reconciler.step(group, committed, shouldRun, true, reports, out::add);
            if (out.isEmpty()) return order;
            assertThat(out).as("one operation at a time").hasSize(1);
            Effect.RunOp op = (Effect.RunOp) out.get(0);
            order.add(describe(op));
            complete(op, op.op() == Operation.STOP ? LocalState.STOPPED : LocalState.STARTED);
        }
        throw new AssertionError("did not come to rest: " + order);
    }

    @Test
    void membersStartInTheGroupsStartOrderAndStopInItsReverse() {
        all(LocalState.STOPPED);
        assertThat(runToRest(ADDRESS_LAST, HERE, true)).containsExactly("START b", "START c", "START a");
        assertThat(reports.lines).containsExactly("started web 4");
        assertThat(runToRest(ADDRESS_LAST, TAKEN_OFF, false)).containsExactly("STOP a", "STOP c", "STOP b");
    }

    @Test
    void aFailedServiceRestartsInPlaceUnderItsAddressWithTheMembersThatDependOnIt() {
        all(LocalState.STARTED);
        local.set(B, LocalState.FAILED);
        assertThat(runToRest(ADDRESS_LAST, HERE, true)).containsExactly("STOP c", "STOP b", "START b", "START c");
        assertThat(local.state(A)).as("the address, listed before b, does not depend on it").isEqualTo(LocalState.STARTED);
    }

    @Test
    void aFailedAddressRestartsAlone() {
        all(LocalState.STARTED);
        local.set(A, LocalState.FAILED);
        assertThat(runToRest(ADDRESS_LAST, HERE, true)).containsExactly("STOP a", "START a");
    }

    @Test
    void stopFailureBlocksEveryFurtherOperationAndTheRelease() {
        all(LocalState.STARTED);
        local.set(C, LocalState.STOP_FAILED);
        assertThat(step(TAKEN_OFF, false, false)).isEmpty();
        assertThat(step(HERE, true, true)).isEmpty();
        assertThat(reports.lines).isEmpty();
    }

    @Test
    void stopFailureOfTheLastMemberToStopBlocksTheRelease() {
        all(LocalState.STARTED);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<Effect.RunOp> ops = step(TAKEN_OFF, false, true);
            if (ops.isEmpty()) break;
            order.add(describe(ops.get(0)));
            complete(ops.get(0), ops.get(0).resource().equals(A) ? LocalState.STOP_FAILED : LocalState.STOPPED);
        }
        assertThat(order).containsExactly("STOP c", "STOP b", "STOP a");
        assertThat(reports.lines).isEmpty();
    }

    @Test
    void withoutPermissionToStartNothingStartsAndWhatRunsKeepsRunning() {
        all(LocalState.STARTED);
        local.set(C, LocalState.STOPPED);
        assertThat(step(HERE, true, false)).isEmpty();
        assertThat(reports.lines).as("not all started: no report").isEmpty();
        assertThat(step(HERE, true, true)).extracting(GroupReconcilerTest::describe).containsExactly("START c");
    }
}
