package haven.node;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.core.AgentResult;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A replica of a promotable group seen from its node, n2 (n1 holds the primary role): it runs the promoted member
 * unpromoted, reports the promotion score its agent set, and takes down a primary role it finds but was not given.
 */
class PromotableCoreTest {
    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");
    static final NodeId N3 = NodeId.of("n3");
    static final List<NodeId> ALL = List.of(N1, N2, N3);
    static final GroupId DB = GroupId.of("db");
    static final ResourceId PG = PromotableReconcilerTest.PG;
    static final ResourceId IP = PromotableReconcilerTest.IP;
    static final ClusterConfig CONFIG = PromotableReconcilerTest.promotable(TestClusters.oneGroup(3, "db", "n1", "pg", "ip"));
    static final long EPOCH = 1_700_000_000_000L;

    final NodeCore core = new NodeCore(CONFIG, N2);
    final Map<ResourceId, Effect.RunOp> open = new TreeMap<>();
    final List<Command> proposed = new ArrayList<>();
    long now = 0;

    static ClusterState primaryOnN1(Map<NodeId, Long> scores) {
        return primaryOnN1(scores, 3);
    }

    static ClusterState primaryOnN1(Map<NodeId, Long> scores, long version) {
        TreeMap<GroupId, GroupState> groups = new TreeMap<>();
        groups.put(DB, new GroupState(Optional.of(N1), 1, new TreeSet<>(Set.of(N1)), true, new TreeSet<>(ALL), new TreeMap<>(scores)));
        return new ClusterState(version, 1, groups, new TreeSet<>(), new TreeMap<>(), List.of());
    }

    List<String> step(NodeEvent... events) {
        List<NodeEvent> all = new ArrayList<>(List.of(new NodeEvent.Beat(N1, "v1", ALL, 3, now), new NodeEvent.Beat(N3, "v1", ALL, 3, now)));
        all.addAll(List.of(events));
        List<String> ops = new ArrayList<>();
        for (Effect e : core.stepAll(all, now, EPOCH + now)) {
            if (e instanceof Effect.RunOp op) {
                open.put(op.resource(), op);
                ops.add(op.op() + " " + op.resource());
            }
            if (e instanceof Effect.Propose p) {
                proposed.addAll(p.entry());
                core.stepAll(List.of(new NodeEvent.ProposalDone(p.proposalId(), true, "")), now, EPOCH + now);
            }
        }
        return ops;
    }

    List<String> answer(ResourceId r, AgentResult result, NodeEvent... more) {
        Effect.RunOp op = open.remove(r);
        List<NodeEvent> events = new ArrayList<>(List.of(new NodeEvent.OpDone(r, op.op(), op.opId(), result)));
        events.addAll(List.of(more));
        return step(events.toArray(NodeEvent[]::new));
    }

    /** n2 joins, probes, and starts its replica; returns the operations of the last step. */
    List<String> joinAsReplica(AgentResult probeOfPg) {
        assertThat(step(new NodeEvent.ViewChanged("v1", ALL, now), new NodeEvent.LeaderChanged(Optional.of(N1), false),
                new NodeEvent.StateChanged(primaryOnN1(Map.of())))).containsExactly("MONITOR pg", "MONITOR ip");
        answer(IP, AgentResult.notRunning());
        return answer(PG, probeOfPg);
    }

    @Test
    void aReplicaStartsOnlyThePromotedMemberAndReportsTheScoreItsAgentSet() {
        assertThat(joinAsReplica(AgentResult.notRunning())).containsExactly("START pg");
        answer(PG, AgentResult.ok(), new NodeEvent.ScoreSet(PG, Optional.of(5L)));
        assertThat(proposed).contains(new Command.PromotionScore(DB, N2, Optional.of(5L)));
        assertThat(open).as("the address runs with the primary only").doesNotContainKey(IP);
        // Once the log has it, nothing more is proposed; a deleted score is reported as such.
        int before = proposed.size();
        step(new NodeEvent.StateChanged(primaryOnN1(Map.of(N2, 5L), 4)));
        assertThat(proposed).hasSize(before);
        step(new NodeEvent.ScoreSet(PG, Optional.empty()));
        assertThat(proposed.subList(before, proposed.size())).containsExactly(new Command.PromotionScore(DB, N2, Optional.empty()));
    }

    @Test
    void aPrimaryRoleFoundWhereItWasNotGivenIsAFailureAndIsDemoted() {
        assertThat(joinAsReplica(AgentResult.promoted())).containsExactly("DEMOTE pg");
        assertThat(proposed).anyMatch(c -> c instanceof Command.ResourceFailed f && f.resource().equals(PG)
                && f.detail().contains("found in the primary role, which is not this node's"));
    }

    /** Steps through {@code ms} with beats every 50 ms, monitors passing (the replica runs, the address does not). */
    List<String> passTime(long ms) {
        List<String> ops = new ArrayList<>();
        for (long end = now + ms; now < end; ) {
            now += 50;
            for (ResourceId r : List.copyOf(open.keySet())) {
                if (open.get(r).op() == haven.core.Operation.MONITOR) ops.addAll(answer(r, r.equals(PG) ? AgentResult.ok() : AgentResult.notRunning()));
            }
            ops.addAll(step());
        }
        return ops;
    }

    static ClusterState primaryOnN2(long generation, long version) {
        TreeMap<GroupId, GroupState> groups = new TreeMap<>();
        groups.put(DB, new GroupState(Optional.of(N2), generation, new TreeSet<>(Set.of(N2)), false, new TreeSet<>(ALL),
                new TreeMap<>(Map.of(N2, 7L, N3, 7L))));
        return new ClusterState(version, 1, groups, new TreeSet<>(), new TreeMap<>(), List.of());
    }

    @Test
    void aDeclinedPromotionIsNoFailureTheReplicaRunsOnAndTheSameGenerationIsAskedAgainOnlyAfterTheHoldOff() {
        assertThat(joinAsReplica(AgentResult.notRunning())).containsExactly("START pg");
        answer(PG, AgentResult.ok(), new NodeEvent.ScoreSet(PG, Optional.of(7L)));
        assertThat(step(new NodeEvent.StateChanged(primaryOnN2(2, 4)))).containsExactly("PROMOTE pg");
        int before = proposed.size();
        assertThat(answer(PG, AgentResult.declined("n3 applied more of n1's stream"), new NodeEvent.ScoreSet(PG, Optional.of(6L))))
                .as("no restart, no promote again at once").doesNotContain("STOP pg", "PROMOTE pg");
        assertThat(proposed.subList(before, proposed.size())).as("the lower score and the timeline's note, and no failure")
                .hasSize(2).contains(new Command.PromotionScore(DB, N2, Optional.of(6L)))
                .anySatisfy(c -> assertThat(c).isInstanceOfSatisfying(Command.Journal.class, j -> assertThat(j.notes().get(0).text())
                        .isEqualTo("n2 declined the primary role of pg: n3 applied more of n1's stream")));
        assertThat(core.status().local()).containsEntry(PG, LocalState.STARTED);
        assertThat(passTime(DeclinedPromotions.HOLD_OFF_MS - 50)).doesNotContain("PROMOTE pg");
        assertThat(passTime(50)).as("the same generation, once the hold-off passed").contains("PROMOTE pg");
        answer(PG, AgentResult.declined("n3 applied more of n1's stream"));
        assertThat(step(new NodeEvent.StateChanged(primaryOnN2(3, 5)))).as("the role given anew is taken at once").contains("PROMOTE pg");
        assertThat(proposed).noneMatch(c -> c instanceof Command.ResourceFailed);
    }
}
