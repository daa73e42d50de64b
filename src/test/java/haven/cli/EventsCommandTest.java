package haven.cli;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;

import haven.api.ApiServer;
import haven.api.Snapshots;
import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.events.Change;
import haven.events.EventRecorder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `haven events` against a real API on loopback whose connection is dropped mid-stream. */
class EventsCommandTest {

    @Test
    void followsAcrossADroppedConnectionWithoutLosingAnEvent() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ClusterConfig config = config(port);
        var status = Snapshots.status(config, ClusterState.EMPTY, List.of(N1, N2, N3), true);
        EventRecorder events = new EventRecorder(N1, System::currentTimeMillis, 64);
        events.observe(status);
        ApiServer first = new ApiServer(config, () -> status, (e, t) -> CompletableFuture.completedFuture(null), events);
        first.start();

        EventsCommand cmd = new EventsCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        cmd.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(cmd).execute(
                "--replay", "--count", "4", "--reconnect-for", "20s", "--api-port", String.valueOf(port)));
        awaitLines(printed, 1);
        events.ring().append(List.of(new Change("move", Map.of(), "before the drop")), 1);
        awaitLines(printed, 2);

        first.close(); // the connection drops; the daemon (and its stream) lives on
        events.ring().append(List.of(new Change("move", Map.of(), "while away 1"), new Change("move", Map.of(), "while away 2")), 2);
        ApiServer second = new ApiServer(config, () -> status, (e, t) -> CompletableFuture.completedFuture(null), events);
        second.start();
        try {
            assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
        } finally {
            second.close();
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.stream().map(l -> l.split("\\s+")[0]).toList()).containsExactly("#1", "#2", "#3", "#4");
        assertThat(lines.get(0)).contains("daemon-started");
        assertThat(lines.get(3)).endsWith("while away 2");
    }

    private static void awaitLines(ByteArrayOutputStream out, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.toString(StandardCharsets.UTF_8).lines().count() < n) {
            assertThat(System.nanoTime()).as("%d lines printed within 10 s: %s", n, out).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
