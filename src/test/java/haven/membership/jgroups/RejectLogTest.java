package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RejectLogTest {
    private final RejectLog log = new RejectLog(10_000, 2);

    @Test
    void oneLinePerSourcePerIntervalWithTheCountOfTheRest() {
        assertThat(log.refused("10.0.0.9:7800", "forged", 0)).contains("10.0.0.9:7800", "forged");
        for (int i = 1; i <= 500; i++) assertThat(log.refused("10.0.0.9:7800", "forged", i)).isNull();
        assertThat(log.refused("10.0.0.8:7800", "replayed", 600)).as("another source has its own budget").isNotNull();
        assertThat(log.refused("10.0.0.9:7800", "forged", 10_000)).contains("500 more refused");
        assertThat(log.refused("10.0.0.9:7800", "forged", 10_001)).isNull();
    }

    @Test
    void aFloodFromManyAddressesSharesOneLine() {
        assertThat(log.refused("a", "x", 0)).isNotNull();
        assertThat(log.refused("b", "x", 0)).isNotNull();
        assertThat(log.refused("c", "x", 0)).contains(RejectLog.OTHER_SOURCES);
        for (int i = 0; i < 1000; i++) assertThat(log.refused("spoofed-" + i, "x", 1)).isNull();
    }

    @Test
    void quietSourcesAreForgotten() {
        log.refused("a", "x", 0);
        log.refused("b", "x", 0);
        log.expire(10_000);
        assertThat(log.refused("c", "x", 10_000)).contains("from c:");
    }
}
