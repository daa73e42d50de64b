package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.config.ClusterConfig;
import haven.core.NodeId;
import haven.node.TestClustersAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts, with the state directories on disk: what each side keeps and what it then refuses. */
class ClusterSealTest {
    private final ClusterConfig config = TestClustersAccess.oneGroup();
    private final AtomicLong now = new AtomicLong(5_000);
    @TempDir
    Path n1Dir;
    @TempDir
    Path n2Dir;

    private Sealer start(String node, Path dir) throws Exception {
        return ClusterSeal.create(config, config.node(NodeId.of(node)).orElseThrow(), dir, now::get);
    }

    @Test
    void aReceiverThatRestartsStillRefusesItsPeersEarlierBoot() throws Exception {
        Sealer n1 = start("n1", n1Dir);
        byte[] oldBoot = n1.seal(new byte[] {1}, 0, 1);
        Sealer n1Again = start("n1", n1Dir);
        Sealer n2 = start("n2", n2Dir);
        byte[] newBoot = n1Again.seal(new byte[] {2}, 0, 1);
        assertThat(n2.open("n1", newBoot, 0, newBoot.length)).containsExactly(2);
        assertThat(Files.readString(n2Dir.resolve("seal-peers"))).startsWith("n1 ");

        Sealer n2Restarted = start("n2", n2Dir);
        assertThat(n2Restarted.open("n1", oldBoot, 0, oldBoot.length)).as("n1's earlier boot, captured").isNull();
        byte[] next = n1Again.seal(new byte[] {3}, 0, 1);
        assertThat(n2Restarted.open("n1", next, 0, next.length)).containsExactly(3);
    }

    @Test
    void startingRemovesTheOldKeystoreFile() throws Exception {
        Files.writeString(n1Dir.resolve("cluster-key.p12"), "derived key of an earlier version");
        start("n1", n1Dir);
        assertThat(n1Dir.resolve("cluster-key.p12")).doesNotExist();
        assertThat(n1Dir.resolve("seal-epoch")).exists();
    }
}
