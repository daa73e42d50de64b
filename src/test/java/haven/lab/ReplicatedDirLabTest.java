package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replicated directory in sync mode on three real nodes, replicated over the lab's second network: an upload
 * service (src/test/c/upload-server.c: temp file, fsync, rename, directory fsync, then 201) serves from it behind
 * its own address, and a writer in the client namespace uploads numbered 4 KB records through that address without
 * pause while the primary is powered off five times. Read from outside, from the nodes' disks themselves: every
 * record the writer was told was stored is on the last primary, whole, and on the replicas once they caught up;
 * never two nodes with the layer mounted at once. Each failover's outage, as the writer saw it, is printed.
 */
@Tag("lab")
class ReplicatedDirLabTest {
    private static final String PREFIX = SharedLab.prefix("trdr");
    @RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3).withReplicationNet();
    private static final int PORT = 8080;
    private static final int FAILOVERS = 5;
    private static Lab lab;
    private static LabState state;
    private static Path uploadServer;
    private static AtMostOneWatch watch;

    @BeforeAll
    static void up() throws IOException {
        Lab.down(PREFIX); // a previous run killed midway
        uploadServer = compileUploadServer();
        lab = Lab.up(LAYOUT, Lab.UP_TIMEOUT, line -> { }, ReplicatedDirLabTest::addFiles);
        state = LabState.find(PREFIX).orElseThrow();
        watch = AtMostOneWatch.start("primaries", ReplicatedDirLabTest::primaries);
    }

    @AfterAll
    static void down() throws IOException {
        if (watch != null) watch.close();
        Lab.down(PREFIX);
        assertThat(LabNetwork.anyPartExists(PREFIX)).isFalse();
    }

    static Path compileUploadServer() throws IOException {
        Path out = Path.of("target", "upload-server").toAbsolutePath();
        Exec.Result r = Exec.run(Duration.ofSeconds(60), List.of("cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out.toString(),
                Path.of("src/test/c/upload-server.c").toAbsolutePath().toString()));
        assertThat(r.code()).as("compiling upload-server: %s%s", r.out(), r.err()).isZero();
        return out;
    }

    private static Path directory(LabState s) {
        return s.disk().resolve("uploads");
    }

    /** The files group, written into the lab's config before any daemon starts. */
    private static void addFiles(LabState s) {
        try {
            String config = Files.readString(s.config());
            String resources = "  - name: data\n    type: replicated-dir\n    params: { directory: " + directory(s) + ", mode: sync }\n"
                    + "    monitor_interval: 1s\n"
                    + "  - name: files-ip\n    type: ipaddr\n    params: { address: " + filesVip() + "/24 }\n    monitor_interval: 2s\n"
                    + "  - name: upload\n    type: process\n    params: { command: \"" + uploadServer + " " + directory(s) + " 0.0.0.0 " + PORT
                    + "\", check: \"http://127.0.0.1:" + PORT + "/\" }\n    monitor_interval: 2s\n";
            config = config.replace("resources:\n", "resources:\n" + resources);
            config += "  - name: files\n    members: [data, files-ip, upload]\n    prefer: " + LAYOUT.nodeName(1)
                    + "\n    promotable: { members: [data] }\n";
            Files.writeString(s.config(), config);
        } catch (IOException e) {
            throw new LabException("cannot add the files group to the lab's config: " + e);
        }
    }

    private static String filesVip() {
        return LAYOUT.vip().substring(0, LAYOUT.vip().lastIndexOf('.')) + ".102";
    }

    static String record(long i) {
        return String.format("record %08d\n", i).repeat(256);
    }

    @Test
    void everyAcknowledgedUploadSurvivesFivePowerLossesOfThePrimary() throws Exception {
        Faults faults = new Faults(lab);
        int primary = awaitPrimary(-1, Duration.ofSeconds(60));
        try (UploadWriter writer = UploadWriter.start(LAYOUT, state.dir().resolve("writer"), filesVip(), PORT)) {
            writer.awaitAcked(20, WITHIN);
            for (int n = 1; n <= FAILOVERS; n++) {
                watch.poweredOff.add(primary);
                long before = writer.acked().size();
                Faults.Injected kill = faults.kill(primary);
                long faultWallMs = System.currentTimeMillis();
                int next = awaitPrimary(primary, WITHIN);
                writer.awaitAcked(before + 20, WITHIN);
                System.out.printf("%s: failover %d: %s; %s primary; uploads refused or unanswered for %d ms%n", PREFIX, n,
                        kill.description(), LAYOUT.nodeName(next), writer.outageAround(faultWallMs));
                faults.heal(primary);
                watch.poweredOff.remove(primary);
                awaitReplicaInStep(primary, next);
                primary = next;
            }
            writer.stop();
            Map<Long, Long> acked = writer.acked();
            assertThat(acked).hasSizeGreaterThan(100);
            assertEveryRecordOn(primary, acked.keySet());
            for (int i = 1; i <= 3; i++) {
                if (i != primary) assertEveryRecordOn(i, acked.keySet());
            }
            System.out.printf("%s: %d uploads acknowledged, every one present and whole on all three nodes%n", PREFIX, acked.size());
        }
        assertThat(watch.most()).as("nodes with the layer mounted at the same moment, at most: %s", watch.errors()).isEqualTo(1);
        assertThat(watch.errors()).isEmpty();
        if (Boolean.getBoolean("haven.debugFail")) throw new AssertionError("kept for reading");
    }

    private static void assertEveryRecordOn(int node, Iterable<Long> records) throws IOException {
        Path dir = state.diskOf(LAYOUT.nodeName(node)).resolve("uploads");
        List<String> bad = new ArrayList<>();
        for (long i : records) {
            Path f = dir.resolve(String.format("record-%d", i));
            if (!Files.exists(f)) bad.add(f.getFileName() + " missing");
            else if (!Files.readString(f).equals(record(i))) bad.add(f.getFileName() + " not whole");
        }
        assertThat(bad).as("acknowledged uploads on %s", LAYOUT.nodeName(node)).isEmpty();
    }

    /** A node other than {@code old} with the layer mounted, the address and the upload service answering. */
    private int awaitPrimary(int old, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> p = primaries();
            if (p.size() == 1 && p.get(0) != old && Netns.ipv4Addresses(LAYOUT.nodeNamespace(p.get(0))).contains(filesVip())) return p.get(0);
            Pids.sleep(20);
        }
        throw new AssertionError("no primary other than " + old + " within " + within.toSeconds() + " s: layer on " + primaries()
                + "\n" + lab.cluster().logTails(40));
    }

    /** Waits until {@code node}'s copy (a replica of {@code primary} now) says it is whole at the primary's generation. */
    private void awaitReplicaInStep(int node, int primary) throws IOException {
        Path mine = state.nodeDir(LAYOUT.nodeName(node)).resolve("rdir/data/state");
        Path theirs = state.nodeDir(LAYOUT.nodeName(primary)).resolve("rdir/data/state");
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, String> m = properties(mine), t = properties(theirs);
            if ("true".equals(m.get("whole")) && "false".equals(m.get("primary")) && m.get("generation") != null
                    && m.get("generation").equals(t.get("generation"))) return;
            Pids.sleep(50);
        }
        throw new AssertionError(LAYOUT.nodeName(node) + " did not come back in step with " + LAYOUT.nodeName(primary) + ": "
                + properties(mine) + " vs " + properties(theirs) + "\n" + lab.cluster().logTails(40));
    }

    private static Map<String, String> properties(Path file) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(file)) return out;
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }

    /** The nodes whose daemon has the layer mounted over the directory (its mount namespace says so). */
    private static List<Integer> primaries() {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            var pid = lab.cluster().pid(i);
            if (pid.isPresent() && MountTable.ofProcess(pid.get()).contains(directory(state).toString())) out.add(i);
        }
        return out;
    }
}
