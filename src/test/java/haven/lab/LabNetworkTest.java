package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The lab's wires without any daemon: namespaces, bridge, isolation and cleanup. Needs root. */
@Tag("lab")
class LabNetworkTest {
    private static final String PREFIX = "tnet";
    private final LabLayout layout = new LabLayout(PREFIX, 3);
    private final LabNetwork network = new LabNetwork(layout);

    @BeforeEach
    void create() {
        LabNetwork.destroy(PREFIX); // a previous run killed midway
        network.create();
    }

    @AfterEach
    void destroy() {
        LabNetwork.destroy(PREFIX);
    }

    /** One echo request with a 1 s wait: for checks that traffic does NOT pass. */
    private static boolean ping(String fromNs, String address) {
        return Exec.run(Duration.ofSeconds(5), Netns.execIn(fromNs, "ping", "-c", "1", "-W", "1", address)).ok();
    }

    /**
     * Up to 8 single echo requests half a second apart, done at the first reply. One ping with a deadline is
     * not enough right after a heal: the failed neighbour entry left by the isolation makes the first send
     * fail at once with "host unreachable", and ping gives up on that error.
     */
    private static boolean reaches(String fromNs, String address) {
        for (int attempt = 0; attempt < 8; attempt++) {
            if (Exec.run(Duration.ofSeconds(5), Netns.execIn(fromNs, "ping", "-c", "1", "-W", "1", address)).ok()) {
                return true;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Test
    void nodesAndClientReachEachOtherOverTheBridge() {
        assertThat(reaches(layout.nodeNamespace(1), layout.nodeAddress(2))).isTrue();
        assertThat(reaches(layout.nodeNamespace(3), layout.nodeAddress(1))).isTrue();
        assertThat(reaches(layout.clientNamespace(), layout.nodeAddress(3))).isTrue();
    }

    @Test
    void noNamespaceHasADefaultRouteAndTheBridgeHasNoAddress() {
        for (String ns : layout.namespaces()) {
            assertThat(Exec.run("ip", "-n", ns, "route", "show", "default").out()).isBlank();
        }
        assertThat(Exec.run("ip", "-o", "-4", "addr", "show", "dev", layout.bridge()).out()).isBlank();
    }

    @Test
    void isolateCutsTrafficBothWaysAndHealRestoresIt() {
        network.detach(2);
        assertThat(ping(layout.nodeNamespace(1), layout.nodeAddress(2))).isFalse();
        assertThat(ping(layout.nodeNamespace(2), layout.nodeAddress(3))).isFalse();
        assertThat(ping(layout.clientNamespace(), layout.nodeAddress(2))).isFalse();
        // the others still talk
        assertThat(reaches(layout.nodeNamespace(1), layout.nodeAddress(3))).isTrue();
        // the isolated node does not notice: its link is up
        assertThat(Exec.run("ip", "-n", layout.nodeNamespace(2), "-o", "link", "show", "eth0").out())
                .contains("state UP");

        network.attach(2);
        assertThat(reaches(layout.nodeNamespace(1), layout.nodeAddress(2))).isTrue();
        assertThat(reaches(layout.clientNamespace(), layout.nodeAddress(2))).isTrue();
    }

    @Test
    void aSecondLabWithTheSamePrefixIsRefused() {
        assertThatThrownBy(() -> new LabNetwork(layout).create()).hasMessageContaining("already exists");
        // and the refusal removed nothing of the first one
        assertThat(reaches(layout.nodeNamespace(1), layout.nodeAddress(2))).isTrue();
    }

    @Test
    void aLabWhoseSubnetIsTakenIsRefused() {
        // find another prefix with the same hash: the subnet is in use by this lab's namespaces
        String other = null;
        for (int i = 0; other == null && i < 100_000; i++) {
            String candidate = "x" + i;
            if (candidate.length() <= 6 && new LabLayout(candidate, 1).subnetOctet() == layout.subnetOctet()) {
                other = candidate;
            }
        }
        assertThat(other).isNotNull();
        LabLayout clash = new LabLayout(other, 1);
        assertThatThrownBy(() -> new LabNetwork(clash).create()).hasMessageContaining("already used by namespace");
        assertThat(LabNetwork.anyPartExists(other)).isFalse();
    }

    @Test
    void destroyLeavesNoNamespaceLinkOrProcessBehind() {
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "tnet-sleep.log");
        long pid = Detached.start(layout.nodeNamespace(1), List.of("sleep", "300"), log, Map.of());
        assertThat(Pids.alive(pid)).isTrue();
        assertThat(Netns.pids(layout.nodeNamespace(1))).contains(pid);

        LabNetwork.destroy(PREFIX);

        assertThat(Pids.alive(pid)).isFalse();
        assertThat(LabNetwork.namespacesOf(PREFIX)).isEmpty();
        assertThat(LabNetwork.linksOf(PREFIX)).isEmpty();
        assertThat(LabNetwork.anyPartExists(PREFIX)).isFalse();
        LabNetwork.destroy(PREFIX); // idempotent
    }

    /**
     * `haven lab up --replication-net`: a second bridge and an eth1 in every node, a network of its own that the
     * client is not on, that a cut of the cluster network leaves alone and that a power loss takes down too.
     */
    @Test
    void theReplicationNetworkIsASecondWire() {
        LabLayout rep = new LabLayout("trep", 3).withReplicationNet();
        LabNetwork net = new LabNetwork(rep);
        LabNetwork.destroy(rep.prefix()); // a previous run killed midway
        net.create();
        try {
            for (int i = 1; i <= 3; i++) {
                assertThat(Netns.ipv4Addresses(rep.nodeNamespace(i))).contains(rep.nodeReplicationAddress(i));
            }
            assertThat(rep.nodeReplicationAddress(2)).startsWith("10.232.");
            assertThat(reaches(rep.nodeNamespace(1), rep.nodeReplicationAddress(2))).isTrue();
            assertThat(ping(rep.clientNamespace(), rep.nodeReplicationAddress(1))).isFalse();
            assertThat(Exec.run("ip", "-o", "-4", "addr", "show", "dev", rep.replicationBridge()).out()).isBlank();

            net.detach(2);
            assertThat(ping(rep.nodeNamespace(1), rep.nodeAddress(2))).isFalse();
            assertThat(reaches(rep.nodeNamespace(1), rep.nodeReplicationAddress(2))).as("another wire").isTrue();
            net.attach(2);
            net.linkDown(2);
            assertThat(ping(rep.nodeNamespace(1), rep.nodeReplicationAddress(2))).as("a machine that is off").isFalse();
            net.attach(2);
            assertThat(reaches(rep.nodeNamespace(1), rep.nodeReplicationAddress(2))).isTrue();
        } finally {
            LabNetwork.destroy(rep.prefix());
        }
        assertThat(Exec.run("ip", "-o", "link", "show").out()).as("both bridges and every port go").doesNotContain("trep-");
    }
}
