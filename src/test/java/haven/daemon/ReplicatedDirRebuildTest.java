package haven.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import haven.config.ClusterConfig;
import haven.config.ConfigLoader;
import haven.core.AgentResult;
import haven.core.BesideJar;
import haven.core.NodeId;
import haven.core.Operation;
import haven.core.ResourceId;
import haven.executor.AgentSite;
import haven.node.OperationRunner;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live config change that only retimes a replicated directory rebuilds its agent without stopping the resource:
 * the new agent must drive the copy that runs (its replica server and port), not find it stopped and a port taken.
 */
class ReplicatedDirRebuildTest {
    private static final ResourceId FILES = ResourceId.of("files");
    private static final NodeId N1 = NodeId.of("n1");

    @TempDir
    Path work;
    private OperationRunner runner;

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            run(Operation.STOP);
            runner.close();
        }
    }

    private ClusterConfig config(int port, String monitorInterval) throws Exception {
        return ConfigLoader.parse("""
                cluster: { name: lab, key: "0123456789abcdef0123456789abcdef" }
                nodes:
                  - { name: n1, address: 127.0.0.1 }
                  - { name: n2, address: 127.0.0.2 }
                  - { name: n3, address: 127.0.0.3 }
                resources:
                  - name: files
                    type: replicated-dir
                    params: { directory: %s, port: %d }
                    monitor_interval: %s
                groups:
                  - name: g
                    members: [files]
                    promotable: { members: [files] }
                """.formatted(work.resolve("data"), port, monitorInterval), "test.yaml");
    }

    private AgentResult run(Operation op) throws Exception {
        CompletableFuture<AgentResult> done = new CompletableFuture<>();
        runner.submit(FILES, op, Duration.ofSeconds(10), 1, done::complete);
        return done.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aRetimedReplicatedDirectoryKeepsItsRunningReplica() throws Exception {
        assertThat(BesideJar.path("haven-rdir").filter(Files::isExecutable)).as("haven-rdir built beside the classes (libfuse3-dev)").isPresent();
        int port = freePort();
        ClusterConfig first = config(port, "5s");
        runner = ExecutorRunner.create(first, N1, Optional.empty(),
                Optional.of(new AgentSite(work.resolve("state"), first.key())));
        assertThat(run(Operation.START).isOk()).isTrue();
        assertThat(runner.replicationStatus(FILES)).containsEntry("role", "replica");
        Optional<Long> scoreBefore = runner.promotionScore(FILES);

        runner.reconfigure(config(port, "7s"));

        assertThat(runner.replicationStatus(FILES)).as("the rebuilt agent sees the running replica").containsEntry("role", "replica");
        assertThat(runner.promotionScore(FILES)).as("and its score, before any operation").isEqualTo(scoreBefore).isPresent();
        assertThat(run(Operation.MONITOR).status()).isEqualTo(AgentResult.Status.OK);
        assertThat(run(Operation.STOP).isOk()).isTrue();
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).as("stopping through the new agent frees the port: nothing was left behind").isEqualTo(port);
        }
        assertThat(run(Operation.START).isOk()).as("and it starts again on it").isTrue();
    }

    /** The daemon stops a copy before its parameters change; were one still running then, it must not stay orphaned. */
    @Test
    void aCopyWhoseSettingsChangedWhileItRanIsStoppedNotOrphaned() throws Exception {
        int port = freePort(), next = freePort();
        ClusterConfig first = config(port, "5s");
        runner = ExecutorRunner.create(first, N1, Optional.empty(),
                Optional.of(new AgentSite(work.resolve("state"), first.key())));
        assertThat(run(Operation.START).isOk()).isTrue();

        runner.reconfigure(config(next, "5s"));

        assertThat(runner.replicationStatus(FILES)).containsEntry("role", "stopped");
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).as("the old copy's port is free again").isEqualTo(port);
        }
        assertThat(run(Operation.START).isOk()).as("the new settings start").isTrue();
        assertThat(runner.replicationStatus(FILES)).containsEntry("role", "replica");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
