package haven.events;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;

import haven.api.Snapshots;
import haven.cib.ClusterState;
import haven.cib.Command;
import haven.node.NodeStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusDiffTest {
    private static List<String> texts(NodeStatus a, NodeStatus b) {
        return StatusDiff.between(a, b).stream().map(c -> c.type() + ": " + c.text()).toList();
    }

    @Test
    void theSameSnapshotHasNoTransitions() {
        NodeStatus s = status(webOnN2());
        assertThat(StatusDiff.between(s, s)).isEmpty();
        assertThat(StatusDiff.between(s, status(s.state()))).isEmpty();
    }

    @Test
    void aFailoverShowsAsMembershipThenPlacementThenEachResource() {
        ClusterState before = webOnN2();
        NodeStatus up = status(before);
        ClusterState lost = before.apply(List.of(new Command.NodeLost(N2)));
        ClusterState moved = lost.apply(List.of(new Command.Assign(WEB, Optional.of(N3), "n2 lost")));
        NodeStatus down = Snapshots.status(up.config(), moved, List.of(N1, N3), true);
        assertThat(texts(up, down)).containsExactly(
                "membership: n2 left; members [n1, n3]",
                "placement: group web placed on n3 (generation 2), was on n2",
                "resource: vip: started n2 -> starting n3",
                "resource: site: started n2 -> starting n3");
        Change membership = StatusDiff.between(up, down).get(0);
        assertThat(membership.fields()).containsEntry("left", List.of("n2")).containsEntry("joined", List.of());
    }

    @Test
    void quorumAndCoordinatorChangesAreTheirOwnEvents() {
        NodeStatus a = status(webOnN2());
        NodeStatus b = new NodeStatus(a.config(), a.self(), a.state(), List.of(N1), Optional.empty(), false, a.local(),
                a.explanations(), 2);
        assertThat(texts(a, b)).containsExactly(
                "membership: n2, n3 left; members [n1]",
                "quorum: quorum lost",
                "coordinator: coordinator n1 -> (none)");
    }

    @Test
    void adminChangesFailuresAndFencingAreEvents() {
        ClusterState s0 = webOnN2();
        ClusterState s1 = s0.apply(List.of(new Command.SetStandby(N3, true), new Command.Move(WEB, Optional.of(N1)),
                new Command.ResourceFailed(SITE, N2, 1000, "exit 1"), new Command.Fenced(N3, N1, 2000, false, "no answer")));
        assertThat(texts(status(s0), status(s1))).containsExactly(
                "standby: n3 put in standby",
                "move: group web moved to n1",
                "failure: site failed on n2: exit 1",
                "fencing: n3 NOT fenced by n1: no answer");
        ClusterState s2 = s1.apply(List.of(new Command.Cleanup(SITE, Optional.empty()), new Command.Move(WEB, Optional.empty())));
        assertThat(texts(status(s1), status(s2))).containsExactly("move: move of group web cleared", "cleanup: failures of site cleared");
    }

    @Test
    void thisNodesOwnResourceStatesAreLocalEvents() {
        NodeStatus a = status(state(new Command.Assign(WEB, Optional.of(N1), "t")));
        var local = new java.util.LinkedHashMap<>(a.local());
        local.put(VIP, haven.node.LocalState.STARTED);
        NodeStatus b = new NodeStatus(a.config(), a.self(), a.state(), a.members(), a.coordinator(), true, local, a.explanations(), 1);
        assertThat(texts(a, b)).containsExactly("resource: vip: stopped n1 -> started n1", "local: vip on n1: stopped -> started");
    }
}
