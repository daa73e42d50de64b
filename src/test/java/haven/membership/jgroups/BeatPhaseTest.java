package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class BeatPhaseTest {
    @Test
    void theNextBeatFallsOnTheNodesPhase() {
        for (long now = 1_000_000; now < 1_000_400; now++) {
            long delay = BeatPhase.delayMs(now, 80, 26);
            assertThat((now + delay) % 80).isEqualTo(26);
            assertThat(delay).isBetween(20L, 100L);
        }
    }

    @Test
    void anEarlyWakeDoesNotBeatTwiceForOnePhase() {
        assertThat(BeatPhase.delayMs(1_000_079, 80, 0)).isEqualTo(81); // 1 ms before its time: the next one after it
        assertThat(BeatPhase.delayMs(1_000_080, 80, 0)).isEqualTo(80); // on time
        assertThat(BeatPhase.delayMs(1_000_082, 80, 0)).isEqualTo(78); // a little late
        assertThat(BeatPhase.delayMs(1_000_105, 80, 26)).isEqualTo(81);
    }

    @Test
    void aClockBeforeTheEpochStillGivesADelayWithinBounds() {
        assertThat(BeatPhase.delayMs(-5, 80, 0)).isEqualTo(85);
    }

    @Test
    void theNodesOfTheConfigShareTheInterval() {
        List<NodeId> nodes = List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));
        assertThat(nodes.stream().map(n -> BeatPhase.offsetMs(nodes, n, 80)).toList()).containsExactly(0L, 26L, 53L);
        assertThat(BeatPhase.offsetMs(nodes, NodeId.of("elsewhere"), 80)).isZero();
    }
}
