package haven.node;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.config.fence.FenceDevice;
import haven.config.fence.FencingTopology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FenceDutyTest {
    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");
    static final NodeId N3 = NodeId.of("n3");
    static final GroupId WEB = GroupId.of("web");
    static final ClusterConfig PLAIN = TestClusters.oneGroup(3, "web", "n1", "vip", "site");
    static final ClusterConfig FENCED = withFencing(PLAIN);

    static ClusterConfig withFencing(ClusterConfig c) {
        FenceDevice lab = FenceDevice.namedPlugs("lab", "fence_haven_lab", Map.of("lab", "t"), List.of("n1", "n2", "n3"),
                Duration.ofSeconds(20), Duration.ZERO);
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(),
                c.resources(), c.groups(), c.quorum(), Optional.of(FencingTopology.oneLevelPerDevice(List.of(lab))));
    }

    static ClusterState webOnN1() {
        return ClusterState.EMPTY.apply(List.of(new Command.Assign(WEB, Optional.of(N1), "test")));
    }

    @Test
    void withoutFenceDevicesNothingIsEverDue() {
        assertThat(new FenceDuty(PLAIN).due(webOnN1(), Set.of(N1), N3, 0)).isEmpty();
    }

    @Test
    void aLostNodeThatMayRunAGroupIsFencedOnceAndRetriedAfterAFailure() {
        FenceDuty duty = new FenceDuty(FENCED);
        assertThat(duty.due(webOnN1(), Set.of(N1), N3, 0)).extracting(Map.Entry::getKey).containsExactly(N1);
        assertThat(duty.due(webOnN1(), Set.of(N1), N3, 10)).as("in flight").isEmpty();
        duty.done(N1, false, 100);
        assertThat(duty.due(webOnN1(), Set.of(N1), N3, 200)).as("backing off").isEmpty();
        assertThat(duty.due(webOnN1(), Set.of(N1), N3, 100 + FenceDuty.RETRY_MS)).extracting(Map.Entry::getKey).containsExactly(N1);
    }

    /**
     * Until the log records the node lost (the plan holds it back in maintenance) it still may run the group: fenced
     * once, it is not fenced again while it stays lost, or a fencing ending after it came back would power it off
     * again (simulation seed 3268, promotable: it never could rejoin). Once it rejoined, a new loss fences it again.
     */
    @Test
    void aLostNodeFencedOnceIsNotFencedAgainUntilItRejoinsAndIsLostAnew() {
        FenceDuty duty = new FenceDuty(FENCED);
        assertThat(duty.due(webOnN1(), Set.of(N1), N3, 0)).extracting(Map.Entry::getKey).containsExactly(N1);
        duty.done(N1, true, 100);
        assertThat(duty.due(webOnN1(), Set.of(N1), N3, 110)).as("fenced since it was lost").isEmpty();
        assertThat(duty.due(webOnN1(), Set.of(N1), N3, 100 + 2 * FenceDuty.RETRY_MS)).as("however long").isEmpty();
        assertThat(duty.due(webOnN1(), Set.of(), N3, 20_000)).as("back in the view").isEmpty();
        assertThat(duty.due(webOnN1(), Set.of(N1), N3, 30_000)).as("lost again").extracting(Map.Entry::getKey).containsExactly(N1);
    }

    @Test
    void aLostNodeThatRanNothingIsLeftAlone() {
        assertThat(new FenceDuty(FENCED).due(webOnN1(), Set.of(N2), N3, 0)).isEmpty();
    }

    @Test
    void aStopFailureOnAMemberIsFencedUntilAConfirmedFencingIsNewerThanIt() {
        ClusterState failed = webOnN1().apply(List.of(new Command.ResourceFailed(ResourceId.of("site"), N1, 1_000, "stop: timeout; forcing off failed: group still has members")));
        FenceDuty duty = new FenceDuty(FENCED);
        var due = duty.due(failed, Set.of(), N3, 0);
        assertThat(due).extracting(Map.Entry::getKey).containsExactly(N1);
        assertThat(due.get(0).getValue()).contains("stop of site failed");
        duty.done(N1, true, 50);
        ClusterState fenced = failed.apply(List.of(new Command.Fenced(N1, N2, 2_000, true, "off")));
        assertThat(duty.due(fenced, Set.of(), N3, 60)).isEmpty();
        assertThat(fenced.group(WEB).mayBeActive()).as("confirmed off frees the group").isEmpty();
    }

    @Test
    void aStopThatWasForcedOffIsNoReasonToFenceAndNeitherIsTheCoordinatorItself() {
        ClusterState forced = webOnN1().apply(List.of(new Command.ResourceFailed(ResourceId.of("site"), N1, 1_000,
                "stop failed, forced off: stop: timeout; process group 42 killed")));
        assertThat(new FenceDuty(FENCED).due(forced, Set.of(), N3, 0)).isEmpty();
        assertThat(new FenceDuty(FENCED).due(webOnN1(), Set.of(N1), N1, 0)).as("never fences itself").isEmpty();
    }

    @Test
    void aMonitorFailureIsNoReasonToFence() {
        ClusterState failed = webOnN1().apply(List.of(new Command.ResourceFailed(ResourceId.of("site"), N1, 1_000, "monitor: failed")));
        assertThat(new FenceDuty(FENCED).due(failed, Set.of(), N3, 0)).isEmpty();
    }
}
