package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The lab's replication network (`haven lab up --replication-net`): a second bridge and an eth1 in every node, a
 * network of its own that a cut of the cluster network leaves alone and that the client is not on.
 */
@Tag("lab")
class ReplicationNetTest {
    private static final String PREFIX = "trep";
    private final LabLayout layout = new LabLayout(PREFIX, 3).withReplicationNet();
    private final LabNetwork network = new LabNetwork(layout);

    @BeforeEach
    void create() {
        LabNetwork.destroy(PREFIX); // a previous run killed midway
        network.create();
    }

    @AfterEach
    void destroy() {
        LabNetwork.destroy(PREFIX);
        assertThat(LabNetwork.anyPartExists(PREFIX)).isFalse();
        assertThat(Exec.run("ip", "-o", "link", "show").out()).doesNotContain(layout.replicationBridge());
    }

    private static boolean ping(String fromNs, String address) {
        return Exec.run(Duration.ofSeconds(5), Netns.execIn(fromNs, "ping", "-c", "1", "-W", "1", address)).ok();
    }

    /** Up to 8 tries half a second apart: a fresh link's first echo may fail on neighbour discovery. */
    private static boolean reaches(String fromNs, String address) {
        for (int attempt = 0; attempt < 8; attempt++) {
            if (ping(fromNs, address)) return true;
            Pids.sleep(500);
        }
        return false;
    }

    @Test
    void everyNodeHasAnAddressOnASecondNetworkTheClientIsNotOn() {
        for (int i = 1; i <= 3; i++) {
            assertThat(Netns.ipv4Addresses(layout.nodeNamespace(i))).contains(layout.nodeReplicationAddress(i));
        }
        assertThat(layout.nodeReplicationAddress(2)).startsWith("10.232.");
        assertThat(reaches(layout.nodeNamespace(1), layout.nodeReplicationAddress(3))).isTrue();
        assertThat(ping(layout.clientNamespace(), layout.nodeReplicationAddress(1))).isFalse();
        assertThat(Exec.run("ip", "-o", "-4", "addr", "show", "dev", layout.replicationBridge()).out()).isBlank();
    }

    @Test
    void cuttingTheClusterNetworkLeavesTheReplicationNetworkAndPowerLossTakesBoth() {
        assertThat(reaches(layout.nodeNamespace(1), layout.nodeReplicationAddress(2))).isTrue();
        network.detach(2);
        assertThat(ping(layout.nodeNamespace(1), layout.nodeAddress(2))).isFalse();
        assertThat(reaches(layout.nodeNamespace(1), layout.nodeReplicationAddress(2))).as("another wire").isTrue();
        network.attach(2);
        network.linkDown(2);
        assertThat(ping(layout.nodeNamespace(1), layout.nodeReplicationAddress(2))).isFalse();
        network.attach(2);
        assertThat(reaches(layout.nodeNamespace(1), layout.nodeReplicationAddress(2))).isTrue();
    }
}
