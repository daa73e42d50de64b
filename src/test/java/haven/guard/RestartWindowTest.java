package haven.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RestartWindowTest {
    @Test
    void theDeathPastTheLimitWithinTheWindowIsRefused() {
        RestartWindow w = new RestartWindow(3, 60_000);
        assertThat(w.died(0)).isTrue();
        assertThat(w.died(100)).isTrue();
        assertThat(w.died(200)).isTrue();
        assertThat(w.died(300)).as("a fourth death within a minute").isFalse();
        assertThat(w.recent()).isEqualTo(4);
    }

    @Test
    void deathsSpreadOverALifetimeNeverUseTheLimitUp() {
        RestartWindow w = new RestartWindow(3, 60_000);
        for (long t = 0; t < 100 * 60_000L; t += 20_001) {
            assertThat(w.died(t)).as("death at %d ms", t).isTrue();
        }
    }

    @Test
    void aDeathLeavesTheWindowExactlyWhenItIsAWindowOld() {
        RestartWindow w = new RestartWindow(1, 1000);
        assertThat(w.died(0)).isTrue();
        assertThat(w.died(999)).isFalse();
        assertThat(w.died(1999)).as("0 and 999 have left by 1999").isTrue();
    }

    @Test
    void aWindowWithoutLengthIsRefused() {
        assertThatThrownBy(() -> new RestartWindow(3, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
