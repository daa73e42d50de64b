package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.config.ConfigLoader;
import haven.core.NodeId;
import haven.core.Ticker;
import haven.membership.ClusterListener;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft log holds every committed config, cluster key included: a real one-node cluster on loopback
 * leaves its state folder 0700 all the way down and every file in it 0600, also where an older version
 * had left the folder 0755.
 */
class StateDirModesTest {
    @Test
    void theRaftLogAndTheSealFilesAreOwnerOnly(@TempDir Path dir) throws Exception {
        int port;
        try (DatagramSocket free = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        ClusterConfig config = ConfigLoader.parse("""
                cluster: { name: modes, key: "0123456789abcdef0123", port: %d, api_port: %d }
                nodes:
                  - { name: n1, address: 127.0.0.1 }
                """.formatted(port, port == 65535 ? 65534 : port + 1), "modes.yaml");
        Path state = Files.createDirectories(dir.resolve("n1"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x")); // as older versions left it
        JGroupsCluster cluster = new JGroupsCluster(config, NodeId.of("n1"), state, new Quiet(), Ticker.SYSTEM);
        try {
            cluster.start();
            List<Path> files = new ArrayList<>();
            List<Path> dirs = new ArrayList<>();
            try (Stream<Path> all = Files.walk(state)) {
                all.forEach(p -> (Files.isDirectory(p) ? dirs : files).add(p));
            }
            assertThat(files).extracting(p -> p.getFileName().toString()).contains("entries.raft", "seal-epoch");
            for (Path f : files) {
                assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
            }
            for (Path d : dirs) {
                assertThat(mode(d)).as(d.toString()).isEqualTo("rwx------");
            }
        } finally {
            cluster.close();
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static final class Quiet implements ClusterListener {
        @Override public void viewChanged(String viewKey, List<NodeId> members, long atMs) {}
        @Override public void beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs) {}
        @Override public void stateChanged(ClusterState state) {}
        @Override public void leaderChanged(Optional<NodeId> leader, boolean self) {}
    }
}
