package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BeatPhaseTest {
    @Test
    void theNextBeatFallsOnAMultipleOfTheInterval() {
        for (long now = 1_000_000; now < 1_000_400; now++) {
            long delay = BeatPhase.delayMs(now, 80);
            assertThat((now + delay) % 80).isZero();
            assertThat(delay).isBetween(20L, 100L);
        }
    }

    @Test
    void anEarlyWakeDoesNotBeatTwiceForOneMultiple() {
        assertThat(BeatPhase.delayMs(1_000_079, 80)).isEqualTo(81); // 1 ms before a multiple: the next one after it
        assertThat(BeatPhase.delayMs(1_000_080, 80)).isEqualTo(80); // on time
        assertThat(BeatPhase.delayMs(1_000_082, 80)).isEqualTo(78); // a little late
    }

    @Test
    void aClockBeforeTheEpochStillGivesADelayWithinBounds() {
        assertThat(BeatPhase.delayMs(-5, 80)).isEqualTo(85);
    }
}
