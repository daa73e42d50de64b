package haven.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import haven.config.ClusterConfig;
import haven.config.NodeConfig;
import haven.config.Policy;
import haven.config.Timing;
import haven.core.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One witness, several clusters: each needs its own cluster port, the heartbeat port after it and API port. */
class WitnessPortsTest {
    private static ClusterConfig cluster(String name, int port, int apiPort) {
        return new ClusterConfig(name, "0123456789abcdef".getBytes(StandardCharsets.US_ASCII), port, apiPort, Timing.DEFAULT,
                Policy.DEFAULT, List.of(new NodeConfig(NodeId.of("w"), "10.0.0.1")), List.of(), List.of());
    }

    @Test
    void clustersOnSeparatePortPairsStart() {
        assertThat(WitnessCommand.portClash(List.of(cluster("a", 7800, 7480), cluster("b", 7802, 7481)))).isEmpty();
    }

    @Test
    void aClusterPortOnAnothersHeartbeatPortIsNamed() {
        assertThat(WitnessCommand.portClash(List.of(cluster("a", 7800, 7480), cluster("b", 7801, 7481))))
                .hasValueSatisfying(m -> assertThat(m).contains("cluster 'b'", "cluster.port 7801",
                        "is also the heartbeat port (cluster.port + 1) of cluster 'a'", "the port after it"));
    }

    @Test
    void aSharedApiPortIsNamed() {
        assertThat(WitnessCommand.portClash(List.of(cluster("a", 7800, 7480), cluster("b", 7900, 7480))))
                .hasValueSatisfying(m -> assertThat(m).contains("cluster.api_port 7480", "is also the cluster.api_port of cluster 'a'"));
    }
}
