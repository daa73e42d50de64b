package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BeatPortsTest {
    private final BeatPorts ports = new BeatPorts("n1", Map.of(
            "n2", new InetSocketAddress(InetAddress.getLoopbackAddress(), 7800),
            "n3", new InetSocketAddress(InetAddress.getLoopbackAddress(), 7800)));

    @Test
    void theFieldNamesThePeersThatReachedThePortWithinTheWindow() {
        assertThat(ports.field(7801, 1000)).isEqualTo("7801");
        ports.reached("n3", 900);
        ports.reached("n2", 1000 - BeatPorts.REACH_WINDOW_MS - 1);
        assertThat(ports.field(7801, 1000)).isEqualTo("7801:n3");
        ports.reached("n2", 950);
        assertThat(ports.field(7801, 1000)).isEqualTo("7801:n2,n3");
    }

    @Test
    void aPeersBeatPortIsUsedOnlyWhileItsLatestBeatNamesThisNodeAndIsFresh() {
        assertThat(ports.heard("n2", "7801", 1000)).isTrue();
        assertThat(ports.usable("n2", 1000)).as("known, but not shown to work").isNull();
        assertThat(ports.advertised("n2").getPort()).isEqualTo(7801);
        ports.heard("n2", "7801:n1,n3", 1080);
        assertThat(ports.usable("n2", 1100).getPort()).isEqualTo(7801);
        assertThat(ports.usable("n2", 1080 + BeatPorts.REACH_WINDOW_MS + 1)).as("its beats stopped coming").isNull();
        ports.heard("n2", "7801:n3", 1160);
        assertThat(ports.usable("n2", 1170)).as("its latest beat does not name this node").isNull();
    }

    @Test
    void anOlderBeatReadLaterDoesNotOverruleANewerOne() {
        ports.heard("n2", "7801:n1", 1080);
        ports.heard("n2", "7801", 1000); // drained after the one read at once, sent before it
        assertThat(ports.usable("n2", 1090)).isNotNull();
        ports.heard("n2", "7801", 1100);
        ports.heard("n2", "7801:n1", 1090);
        assertThat(ports.usable("n2", 1110)).isNull();
    }

    @Test
    void fieldsThatDoNotParseTeachNothing() {
        for (String bad : List.of("", "port", "0", "70000", ":n1", "-5:n1")) {
            assertThat(ports.heard("n2", bad, 1000)).as(bad).isFalse();
        }
        assertThat(ports.heard("elsewhere", "7801:n1", 1000)).as("a node without an address here").isFalse();
        assertThat(ports.advertised("n2")).isNull();
    }

    @Test
    void aNodeThatLeftTheViewIsForgotten() {
        ports.heard("n2", "7801:n1", 1000);
        ports.reached("n2", 1000);
        ports.retain(List.of("n1", "n3"));
        assertThat(ports.advertised("n2")).isNull();
        assertThat(ports.field(7801, 1000)).isEqualTo("7801");
    }
}
