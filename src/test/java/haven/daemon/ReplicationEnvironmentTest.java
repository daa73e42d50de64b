package haven.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import haven.config.ClusterConfig;
import haven.config.ConfigLoader;
import haven.core.NodeId;
import org.junit.jupiter.api.Test;

/** What agents learn of the replication network: their node's data address and every other service node's. */
class ReplicationEnvironmentTest {
    @Test
    void agentsLearnTheReplicationAddressesAndTheClusterAddressStandsInWhereThereIsNone() throws Exception {
        ClusterConfig c = ConfigLoader.parse("""
                cluster: { name: lab, key: "0123456789abcdef" }
                nodes:
                  - { name: n1, address: 10.0.0.1, replication_address: 192.168.50.1 }
                  - { name: n2, address: 10.0.0.2, replication_address: 192.168.50.2 }
                  - { name: n3, address: 10.0.0.3 }
                  - { name: w, address: 10.0.0.9, role: witness }
                """, "test.yaml");
        assertThat(ExecutorRunner.replicationEnvironment(c, NodeId.of("n1")))
                .containsEntry("HAVEN_REPLICATION_ADDRESS", "192.168.50.1")
                .containsEntry("HAVEN_REPLICATION_PEERS", "n2=192.168.50.2 n3=10.0.0.3");
        assertThat(ExecutorRunner.replicationEnvironment(c, NodeId.of("n3")))
                .containsEntry("HAVEN_REPLICATION_ADDRESS", "10.0.0.3");
    }
}
