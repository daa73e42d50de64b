package haven.replication;

import haven.core.InSyncChange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.core.BesideJar;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary and a replica of one replicated directory in this JVM, on loopback: the real haven-rdir mounted over
 * the primary's directory (root and /dev/fuse needed, as on every haven node), real sockets, real files. What a
 * writer does through the mount must be in the replica's directory: at once after an fsync in sync mode, and after
 * a catch-up when the replica was away; a primary older than the copy is refused and then refuses writes itself.
 */
class ReplicatedDirectoryTest {
    private static final byte[] KEY = "a cluster key of thirty-two bytes".getBytes(StandardCharsets.UTF_8);
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path work;
    private final List<ReplicatedDirectory> running = new ArrayList<>();
    private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<InSyncChange> inSyncChanges = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Path primaryDir;
    private Path replicaDir;
    private int replicaPort;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount the FUSE layer");
        assertThat(BesideJar.path("haven-rdir").filter(Files::isExecutable)).as("haven-rdir built beside the classes (libfuse3-dev)").isPresent();
        primaryDir = Files.createDirectories(work.resolve("primary/data"));
        replicaDir = Files.createDirectories(work.resolve("replica/data"));
        replicaPort = freePort();
    }

    @AfterEach
    void tearDown() {
        for (ReplicatedDirectory r : running) r.stop();
        assertThat(PrimaryStream.mounted(primaryDir)).as("the layer is unmounted after stop").isFalse();
    }

    private ReplicatedDirectory node(String name, Path dir, int port, Map<String, InetSocketAddress> peers, PrimaryStream.Mode mode) {
        return node(name, dir, port, peers, mode, Duration.ofMillis(300));
    }

    private ReplicatedDirectory node(String name, Path dir, int port, Map<String, InetSocketAddress> peers, PrimaryStream.Mode mode,
            Duration aloneAfter) {
        var settings = new ReplicatedDirectory.Settings("files", dir, mode, Duration.ofSeconds(1), dir.resolveSibling("meta"),
                BesideJar.path("haven-rdir").orElseThrow(), new ReplicationKey(KEY), name, new InetSocketAddress("127.0.0.1", port), peers,
                aloneAfter);
        ReplicatedDirectory r = new ReplicatedDirectory(settings, line -> log.add(name + ": " + line), inSyncChanges::add);
        running.add(r);
        return r;
    }

    private ReplicatedDirectory replica() throws IOException {
        ReplicatedDirectory r = node("n2", replicaDir, replicaPort, Map.of(), PrimaryStream.Mode.SYNC);
        r.startReplica();
        return r;
    }

    private ReplicatedDirectory primary(long generation) throws IOException {
        ReplicatedDirectory p = node("n1", primaryDir, freePort(), Map.of("n2", new InetSocketAddress("127.0.0.1", replicaPort)),
                PrimaryStream.Mode.SYNC);
        p.promote(generation);
        return p;
    }

    @Test
    void aSyncedWriteIsOnTheReplicaWhenFsyncReturns() throws Exception {
        ReplicatedDirectory replica = replica();
        primary(5);
        await("the replica in step", () -> replica.state().whole() && replica.state().generation() == 5);
        for (int i = 0; i < 50; i++) {
            Path file = primaryDir.resolve("record-" + i);
            try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                c.write(ByteBuffer.wrap(("record " + i + "\n").repeat(100).getBytes(StandardCharsets.UTF_8)));
                c.force(true);
            }
            // No waiting: fsync returned, so the replica has it.
            assertThat(Files.readString(replicaDir.resolve("record-" + i))).isEqualTo(("record " + i + "\n").repeat(100));
        }
        assertThat(replica.state().score()).as("an in-step copy of generation 5, epoch 1, ranks as such").isEqualTo(5_000_011);
        // Idle for longer than a link's read timeout (5 s): the primary's pings keep the replica in sync.
        Thread.sleep(6000);
        assertThat(replica.state().epoch()).as("no replica left the in-sync set while nothing was written").isEqualTo(1);
        try (FileChannel c = FileChannel.open(primaryDir.resolve("after-idle"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap("still in sync".getBytes(StandardCharsets.UTF_8)));
            c.force(true);
        }
        assertThat(Files.readString(replicaDir.resolve("after-idle"))).isEqualTo("still in sync");
    }

    @Test
    void namesModesAndAppendsArrive() throws Exception {
        ReplicatedDirectory replica = replica();
        primary(2);
        await("the replica in step", () -> replica.state().whole());
        Files.createDirectories(primaryDir.resolve("a/b"));
        Files.writeString(primaryDir.resolve("a/b/one"), "first");
        Files.writeString(primaryDir.resolve("a/b/one"), " and more", StandardOpenOption.APPEND);
        Files.move(primaryDir.resolve("a/b/one"), primaryDir.resolve("a/two"));
        Files.createSymbolicLink(primaryDir.resolve("link"), Path.of("a/two"));
        Files.writeString(primaryDir.resolve("gone"), "x");
        Files.delete(primaryDir.resolve("gone"));
        Files.setPosixFilePermissions(primaryDir.resolve("a/two"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        try (FileChannel c = FileChannel.open(primaryDir.resolve("a/two"), StandardOpenOption.WRITE)) {
            c.truncate(5);
            c.force(true);
        }
        await("the same tree on both", () -> Manifest.of(replicaDir).equals(Manifest.of(primaryDir)));
        assertThat(Files.readString(replicaDir.resolve("a/two"))).isEqualTo("first");
        assertThat(Files.readSymbolicLink(replicaDir.resolve("link"))).isEqualTo(Path.of("a/two"));
    }

    @Test
    void aReplicaThatWasAwayCatchesUpAndKeepsAsideWhatANewerPrimaryReplaces() throws Exception {
        Files.writeString(replicaDir.resolve("only-here"), "the replica's own");
        Files.writeString(primaryDir.resolve("unchanged"), "same on both");
        Files.writeString(replicaDir.resolve("unchanged"), "same on both");
        ReplicatedDirectory replica = replica();
        ReplicatedDirectory primary = primary(3);
        await("the replica in step", () -> replica.state().whole() && replica.state().generation() == 3);
        assertThat(replicaDir.resolve("only-here")).doesNotExist();
        assertThat(Files.readString(keptAside(work.resolve("replica/meta/diverged"), "only-here"))).isEqualTo("the replica's own");

        replica.stop();
        Files.writeString(primaryDir.resolve("while-away"), "written while the replica was stopped");
        Files.delete(primaryDir.resolve("unchanged"));
        replica.startReplica();
        await("the replica caught up", () -> Manifest.of(replicaDir).equals(Manifest.of(primaryDir)));
        assertThat(primary.problem()).isEmpty();
    }

    @Test
    void aStalePrimaryIsRefusedAndThenRefusesWrites() throws Exception {
        ReplicatedDirectory replica = replica();
        ReplicatedDirectory newer = primary(7);
        await("the replica in step with generation 7", () -> replica.state().whole() && replica.state().generation() == 7);
        newer.stop();
        running.remove(newer);
        replica.stop();
        // The primary of generation 7 is gone; one of generation 4 (cut off since, say) comes back while the replica
        // is down, so that it cannot ask it first, and the replica returns.
        ReplicatedDirectory stale = node("n3", primaryDir, freePort(), Map.of("n2", new InetSocketAddress("127.0.0.1", replicaPort)),
                PrimaryStream.Mode.SYNC);
        Files.writeString(work.resolve("primary/meta/state"), "generation=4\nepoch=1\nprimary=true\nwhole=true\n");
        stale.promote(4);
        replica.startReplica();
        await("the stale primary refused", () -> stale.problem().isPresent());
        assertThat(stale.problem().orElseThrow()).contains("stale primary");
        assertThatThrownBy(() -> Files.writeString(primaryDir.resolve("late"), "must not land")).isInstanceOf(IOException.class);
        assertThat(replicaDir.resolve("late")).doesNotExist();
        assertThat(replica.state().generation()).isEqualTo(7);
    }

    @Test
    void aReplicaLeftBehindIsNotPromotedWhileANewerOneAnswers() throws Exception {
        Path thirdDir = Files.createDirectories(work.resolve("third/data"));
        int thirdPort = freePort();
        ReplicatedDirectory second = replica();
        ReplicatedDirectory third = node("n3", thirdDir, thirdPort, Map.of("n2", new InetSocketAddress("127.0.0.1", replicaPort)),
                PrimaryStream.Mode.SYNC);
        third.startReplica();
        ReplicatedDirectory primary = node("n1", primaryDir, freePort(), Map.of("n2", new InetSocketAddress("127.0.0.1", replicaPort),
                "n3", new InetSocketAddress("127.0.0.1", thirdPort)), PrimaryStream.Mode.SYNC);
        primary.promote(9);
        await("both replicas in step", () -> second.state().whole() && third.state().whole() && third.state().generation() == 9
                && second.state().generation() == 9);
        third.stop();
        writeSynced("after", "written without n3");
        assertThat(Files.readString(replicaDir.resolve("after"))).isEqualTo("written without n3");
        assertThat(second.state().epoch()).as("the replica that stayed recorded a new epoch before the write was confirmed")
                .isGreaterThan(third.state().epoch());
        assertThat(second.state().score()).isGreaterThan(third.state().score());
        primary.stop();

        assertThatThrownBy(() -> third.promote(10)).isInstanceOf(ReplicatedDirectory.Declined.class).hasMessageContaining("n2 holds a newer copy");
        assertThat(third.state().whole()).as("refused, it counts as not whole until a primary updates it").isFalse();
        assertThat(third.role()).as("and follows again, for a primary to bring it up to date").isEqualTo(ReplicatedDirectory.Role.REPLICA);
        // Asked again while not whole (its score, reported a monitor earlier, may still rank it): declined, not failed,
        // and it keeps following.
        assertThatThrownBy(() -> third.promote(11)).isInstanceOf(ReplicatedDirectory.Declined.class).hasMessageContaining("not whole");
        assertThat(third.role()).isEqualTo(ReplicatedDirectory.Role.REPLICA);
        second.promote(10);
        assertThat(second.problem()).isEmpty();
    }

    /**
     * A primary deposed while it stays a member (its group banned from its node, say) runs on as a replica, and its
     * copy may hold writes no other copy has: here n1 took the role again under generation 5 while n2, its replica
     * of generation 4, was not connected, and wrote alone. n2's promotion asks the members of its view, n1 included,
     * though n1 is the primary it followed last (skipping that one was the rule before, and promoted the older copy).
     */
    @Test
    void aDeposedPrimaryThatIsStillAMemberIsAskedAndItsNewerCopyWins() throws Exception {
        int firstPort = freePort();
        ReplicatedDirectory first = node("n1", primaryDir, firstPort, Map.of("n2", new InetSocketAddress("127.0.0.1", replicaPort)),
                PrimaryStream.Mode.SYNC);
        ReplicatedDirectory second = node("n2", replicaDir, replicaPort, Map.of("n1", new InetSocketAddress("127.0.0.1", firstPort)),
                PrimaryStream.Mode.SYNC);
        second.startReplica();
        first.promote(4);
        await("n2 follows n1", () -> second.state().whole() && second.state().generation() == 4);
        first.stop();
        // n1 again, under a new generation, without reaching n2 (its peers unknown to it this time), then deposed.
        ReplicatedDirectory alone = node("n1", primaryDir, firstPort, Map.of(), PrimaryStream.Mode.SYNC);
        alone.promote(5);
        Files.writeString(primaryDir.resolve("only-on-n1"), "written by n1 alone");
        alone.startReplica();
        assertThat(alone.state().generation()).isEqualTo(5);

        assertThatThrownBy(() -> second.promote(6, java.util.Set.of("n1", "n2")::contains))
                .isInstanceOf(ReplicatedDirectory.Declined.class).hasMessageContaining("n1 holds a newer copy");
        assertThat(second.role()).isEqualTo(ReplicatedDirectory.Role.REPLICA);
        assertThat(Files.exists(replicaDir.resolve("only-on-n1"))).as("n2 lacks n1's last write").isFalse();
    }

    /**
     * Both replicas in the last epoch when the primary stops: the one that knows how far it followed is preferred to one
     * that does not (its daemon restarted); the other steps aside without becoming unpromotable, and takes its usual
     * score again once it follows the new primary.
     */
    @Test
    void aReplicaThatAppliedLessOfTheSameStreamDefersToTheOneThatAppliedMore() throws Exception {
        Path thirdDir = Files.createDirectories(work.resolve("third/data"));
        int thirdPort = freePort();
        ReplicatedDirectory second = node("n2", replicaDir, replicaPort, Map.of("n3", new InetSocketAddress("127.0.0.1", thirdPort)),
                PrimaryStream.Mode.ASYNC);
        second.startReplica();
        ReplicatedDirectory third = node("n3", thirdDir, thirdPort, Map.of("n2", new InetSocketAddress("127.0.0.1", replicaPort)),
                PrimaryStream.Mode.ASYNC);
        third.startReplica();
        ReplicatedDirectory primary = node("n1", primaryDir, freePort(), Map.of("n2", new InetSocketAddress("127.0.0.1", replicaPort),
                "n3", new InetSocketAddress("127.0.0.1", thirdPort)), PrimaryStream.Mode.ASYNC);
        primary.promote(4);
        Files.writeString(primaryDir.resolve("one"), "one");
        await("both replicas have it", () -> Files.exists(replicaDir.resolve("one")) && Files.exists(thirdDir.resolve("one")));
        primary.stop();
        third.stop();
        third.startReplica(); // its daemon restarted: same copy, same epoch, no position known
        assertThat(third.state()).isEqualTo(second.state());

        assertThatThrownBy(() -> third.promote(5)).isInstanceOf(ReplicatedDirectory.Declined.class).hasMessageContaining("n2 applied more of");
        assertThat(third.state().whole()).as("still whole: promotable should n2 be gone").isTrue();
        assertThat(third.score()).as("below n2 until it follows a primary again").isEqualTo(second.score() - 1);
        assertThat(third.role()).isEqualTo(ReplicatedDirectory.Role.REPLICA);
        second.promote(5);
        assertThat(second.problem()).isEmpty();
        await("n3 follows n2", () -> third.state().whole() && third.state().generation() == 5);
        assertThat(third.score()).isEqualTo(third.state().score());
    }

    @Test
    void aPrimaryLeftWithoutReplicasConfirmsNothingUntilItsAloneLimit() throws Exception {
        ReplicatedDirectory replica = replica();
        ReplicatedDirectory primary = node("n1", primaryDir, freePort(), Map.of("n2", new InetSocketAddress("127.0.0.1", replicaPort)),
                PrimaryStream.Mode.SYNC, Duration.ofSeconds(3));
        primary.promote(3);
        await("the replica in step", () -> replica.state().whole() && replica.state().generation() == 3);
        assertThat(inSyncChanges).containsExactly(new InSyncChange("files", "n2", true, List.of("n2"), 1));
        replica.stop();
        await("the primary tells that n2 left", () -> inSyncChanges.size() == 2);
        assertThat(inSyncChanges.get(1)).isEqualTo(new InSyncChange("files", "n2", false, List.of(), 2));
        var synced = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (FileChannel c = FileChannel.open(primaryDir.resolve("alone"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                c.write(ByteBuffer.wrap("only here".getBytes(StandardCharsets.UTF_8)));
                c.force(true);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(1000);
        assertThat(synced).as("a cut-off primary would be stopped before it confirms what only it has").isNotDone();
        synced.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(primary.status()).containsEntry("would_lose_bytes", "-1").containsEntry("in_sync", "");
    }

    /**
     * min_in_sync 1: with its replica gone, the primary does not go on alone; a sync is held for sync_timeout and then
     * fails (EIO), while the write stays on the primary's disk and the layer goes on; once the replica is back in
     * sync, the next sync is confirmed, the write made alone included.
     */
    @Test
    void withMinInSyncAnFsyncWithoutAReplicaInSyncFailsAndTheLayerGoesOn() throws Exception {
        ReplicatedDirectory replica = replica();
        var settings = new ReplicatedDirectory.Settings("files", primaryDir, PrimaryStream.Mode.SYNC, Duration.ofMillis(300),
                primaryDir.resolveSibling("meta"), BesideJar.path("haven-rdir").orElseThrow(), new ReplicationKey(KEY), "n1",
                new InetSocketAddress("127.0.0.1", freePort()), Map.of("n2", new InetSocketAddress("127.0.0.1", replicaPort)),
                Duration.ofMillis(300), 1);
        ReplicatedDirectory primary = new ReplicatedDirectory(settings, line -> log.add("n1: " + line), inSyncChanges::add);
        running.add(primary);
        primary.promote(3);
        await("the replica in step", () -> "n2".equals(primary.status().get("in_sync")));
        writeSynced("before", "on both");
        replica.stop();
        await("n2 left the in-sync set", () -> "".equals(primary.status().get("in_sync")));

        assertThatThrownBy(() -> writeSynced("alone", "written, never confirmed")).isInstanceOf(IOException.class);
        assertThat(Files.readString(primaryDir.resolve("alone"))).as("on the primary's disk, readable").isEqualTo("written, never confirmed");
        assertThat(primary.status()).containsEntry("min_in_sync", "1").containsEntry("refused_syncs", "1");
        assertThat(primary.problem()).as("a refused sync does not stop the layer").isEmpty();

        ReplicatedDirectory back = node("n2", replicaDir, replicaPort, Map.of(), PrimaryStream.Mode.SYNC);
        back.startReplica();
        await("n2 in sync again", () -> "n2".equals(primary.status().get("in_sync")));
        writeSynced("after", "on both again");
        assertThat(Files.readString(replicaDir.resolve("after"))).isEqualTo("on both again");
        assertThat(Files.readString(replicaDir.resolve("alone"))).as("caught up").isEqualTo("written, never confirmed");
    }

    private void writeSynced(String name, String text) throws IOException {
        try (FileChannel c = FileChannel.open(primaryDir.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            c.force(true);
        }
    }

    private static Path keptAside(Path diverged, String name) throws IOException {
        try (var walk = Files.walk(diverged)) {
            return walk.filter(p -> p.getFileName().toString().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " not kept aside under " + diverged));
        }
    }

    private void await(String what, ThrowingCheck check) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.holds()) return;
            Thread.sleep(20);
        }
        throw new AssertionError(what + ": not within " + WITHIN.toSeconds() + " s; log: " + String.join("\n", log));
    }

    interface ThrowingCheck {
        boolean holds() throws Exception;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aLayerLeftByAKilledDaemonIsTakenAwayWhenItsNodeStartsAgain() throws Exception {
        replica();
        ReplicatedDirectory killed = primary(2);
        Files.writeString(primaryDir.resolve("before"), "kept");
        haven.process.ProcessGroup.killGroup(killed.processGroup(), Duration.ofSeconds(5));
        assertThat(PrimaryStream.mounted(primaryDir)).as("the dead layer still covers the directory").isTrue();
        assertThatThrownBy(() -> Files.readString(primaryDir.resolve("before"))).isInstanceOf(IOException.class);
        // The daemon's successor starts the resource again on this node, as a replica.
        ReplicatedDirectory again = node("n1", primaryDir, freePort(), Map.of(), PrimaryStream.Mode.SYNC);
        again.startReplica();
        assertThat(PrimaryStream.mounted(primaryDir)).isFalse();
        assertThat(Files.readString(primaryDir.resolve("before"))).isEqualTo("kept");
    }
}
