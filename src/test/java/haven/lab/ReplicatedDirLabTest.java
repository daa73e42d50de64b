package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

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
 * A replicated directory in sync mode on three real nodes, replicated over the lab's second network: the lab's
 * upload service (src/main/c/lab/upload-server.c: temp file, fsync, rename, directory fsync, then 201) serves from
 * it behind its own address, and a writer in the client namespace uploads numbered 4 KB records through that address
 * without pause while the primary is powered off five times. Read from outside, from the nodes' disks themselves:
 * every record the writer was told was stored is on the last primary, whole, and on the replicas once they caught
 * up; never two nodes with the layer mounted at once. Each failover's outage, as the writer saw it, is printed.
 */
@Tag("lab")
class ReplicatedDirLabTest {
    private static final String PREFIX = SharedLab.prefix("trdr");
    @RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3).withReplicationNet();
    @RegisterExtension
    static final SharedLab SHARED = new SharedLab(LAYOUT).beforeStart(s -> ReplicatedFiles.addTo(s, LAYOUT, "sync"));
    private static final int FAILOVERS = 5;
    private static Lab lab;
    private static ReplicatedFiles files;
    private static AtMostOneWatch watch;

    @BeforeAll
    static void up() {
        lab = SHARED.get();
        files = new ReplicatedFiles(lab);
        watch = AtMostOneWatch.start("primaries", files::primaries);
    }

    @AfterAll
    static void down() {
        if (watch != null) watch.close();
    }

    @Test
    void everyAcknowledgedUploadSurvivesFivePowerLossesOfThePrimary() throws Exception {
        Faults faults = new Faults(lab);
        int primary = files.awaitPrimary(-1, Duration.ofSeconds(60));
        try (AckedWriter writer = files.startWriter()) {
            writer.awaitAcked(20, WITHIN);
            for (int n = 1; n <= FAILOVERS; n++) {
                watch.poweredOff.add(primary);
                long before = writer.acked().size();
                Faults.Injected kill = faults.kill(primary);
                long faultWallMs = System.currentTimeMillis();
                int next = files.awaitPrimary(primary, WITHIN);
                writer.awaitAcked(before + 20, WITHIN);
                System.out.printf("%s: failover %d: %s; %s primary; uploads refused or unanswered for %d ms%n", PREFIX, n,
                        kill.description(), LAYOUT.nodeName(next), writer.outageAround(faultWallMs));
                faults.heal(primary);
                watch.poweredOff.remove(primary);
                files.awaitReplicaInStep(primary, next, WITHIN);
                primary = next;
            }
            writer.stop();
            Map<Long, Long> acked = writer.acked();
            assertThat(acked).hasSizeGreaterThan(100);
            for (int i = 1; i <= 3; i++) {
                assertThat(files.missingOn(i, acked.keySet())).as("acknowledged uploads on %s", LAYOUT.nodeName(i)).isEmpty();
            }
            System.out.printf("%s: %d uploads acknowledged, every one present and whole on all three nodes%n", PREFIX, acked.size());
            for (int i : others(primary)) files.awaitReplicaInStep(i, primary, WITHIN);
            // What each node's API says of its own copy: the primary sees both replicas in sync.
            assertThat(ha(primary, "role")).isEqualTo("primary");
            assertThat(ha(primary, "in_sync").split(",")).containsExactlyInAnyOrderElementsOf(
                    others(primary).stream().map(LAYOUT::nodeName).toList());
            assertThat(ha(primary, "would_lose_bytes")).isEqualTo("0");
            assertThat(ha(others(primary).get(0), "role")).isEqualTo("replica");
            assertThat(ha(others(primary).get(0), "following")).isEqualTo(LAYOUT.nodeName(primary));
            assertThat(dashboardReplicationCell(primary)).as("the dashboard as the primary serves it")
                    .contains("in sync: " + String.join(", ", others(primary).stream().map(LAYOUT::nodeName).sorted().toList()))
                    .contains("a failover now loses nothing");
        }
        assertThat(watch.most()).as("nodes with the layer mounted at the same moment, at most: %s", watch.errors()).isEqualTo(1);
        assertThat(watch.errors()).isEmpty();
    }

    /** The replication cell of the data resource in the dashboard, rendered by a real browser in node {@code i}. */
    private static String dashboardReplicationCell(int i) {
        Exec.Result r = Exec.run(Duration.ofSeconds(60), Netns.execIn(LAYOUT.nodeNamespace(i), "chromium", "--headless", "--no-sandbox",
                "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom", "http://127.0.0.1:7480/"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<tr data-resource=\"data\">.*?<td class=\"replication\">(.*?)</td>")
                .matcher(r.out());
        assertThat(m.find()).as("the data resource's row in the dashboard: %s", r.out()).isTrue();
        return m.group(1).replaceAll("<[^>]+>", "");
    }

    private static String ha(int i, String key) {
        return files.replicationStatus(i, key, WITHIN);
    }

    private static List<Integer> others(int node) {
        return LAYOUT.nodesBut(node);
    }

    /**
     * The primary cut off from the cluster network (its replication link stays up, as a separate wire would): a writer
     * on it, syncing each file and counting it only while the layer is still mounted there, stops being acknowledged
     * within the cut-off node's lease, and every file it was acknowledged is on the new primary.
     */
    @Test
    void aCutOffPrimaryStopsWithinItsLeaseAndLosesNothingItAcknowledged() throws Exception {
        Faults faults = new Faults(lab);
        int primary = files.awaitPrimary(-1, Duration.ofSeconds(60));
        for (int i = 1; i <= 3; i++) {
            if (i != primary) files.awaitReplicaInStep(i, primary, WITHIN);
        }
        Path acks = Files.createTempFile("haven-partition-acks", ".txt");
        long pid = lab.cluster().pid(primary).orElseThrow();
        String dir = files.directory().toString();
        String loop = "i=1; while :; do if dd if=/dev/zero of=" + dir + "/p-$i bs=4096 count=1 conv=fsync 2>/dev/null"
                + " && grep -q ' " + dir + " fuse' /proc/self/mounts; then echo \"$i $(date +%s%3N)\" >> " + acks + "; fi;"
                + " i=$((i+1)); sleep 0.005; done";
        Process writer = new ProcessBuilder("nsenter", "-t", Long.toString(pid), "-m", "--", "sh", "-c", loop)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (Files.readAllLines(acks).size() < 20 && System.nanoTime() < deadline) Pids.sleep(20);
            Faults.Injected cut = faults.isolate(primary);
            long cutWallMs = System.currentTimeMillis();
            int next = files.awaitPrimary(primary, WITHIN);
            Pids.sleep(1000);
            Map<Long, Long> acked = new TreeMap<>();
            for (String line : Files.readAllLines(acks)) {
                String[] f = line.split(" ");
                acked.put(Long.parseLong(f[0]), Long.parseLong(f[1]));
            }
            long lastAfterCut = acked.values().stream().mapToLong(Long::longValue).max().orElseThrow() - cutWallMs;
            System.out.printf("%s: %s; last write acknowledged there %d ms after the cut; %s primary%n", PREFIX, cut.description(),
                    lastAfterCut, LAYOUT.nodeName(next));
            assertThat(lastAfterCut).as("the cut-off primary stops acknowledging within its lease (and the lab's noise)").isLessThan(1500);
            Path newCopy = lab.cluster().state().diskOf(LAYOUT.nodeName(next)).resolve("uploads");
            List<String> missing = new ArrayList<>();
            for (long i : acked.keySet()) {
                Path f = newCopy.resolve("p-" + i);
                if (!Files.exists(f) || Files.size(f) != 4096) missing.add(f.getFileName().toString());
            }
            assertThat(missing).as("files the cut-off primary acknowledged, on the new primary %s", LAYOUT.nodeName(next)).isEmpty();
            faults.heal(primary);
            files.awaitReplicaInStep(primary, next, WITHIN);
        } finally {
            writer.destroyForcibly();
            writer.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            Files.deleteIfExists(acks);
        }
    }
}
