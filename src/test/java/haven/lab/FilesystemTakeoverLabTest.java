package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Filesystem takeover on shared storage: one ext4 image on a loop device that every lab node sees (as a SAN LUN
 * would be), mounted by the unmodified ocf:heartbeat:Filesystem (fsck forced before every mount) on one node at a
 * time. Each lab daemon runs in a mount namespace of its own (`ip netns exec` makes one), so a node's mounts are
 * its own, as on separate machines; the watch reads every node's mount table from outside every 10 ms. The node
 * holding the mount is powered off, then cut off: each time another node mounts it, with the data written
 * before, and no two nodes have it mounted at the same moment.
 */
@Tag("lab")
class FilesystemTakeoverLabTest {
    private static final String PREFIX = SharedLab.prefix("tfs");
    @RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3);
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final Duration COMMAND = Duration.ofSeconds(10);
    private static Path work;
    private static Path mountPoint;
    private static String device;
    private static Lab lab;
    private static AtMostOneWatch watch;

    @BeforeAll
    static void up() throws IOException {
        Lab.down(PREFIX); // a previous run killed midway
        work = Files.createTempDirectory("haven-fs-" + PREFIX + "-");
        mountPoint = Files.createDirectories(work.resolve("data"));
        Path image = work.resolve("disk.img");
        Exec.run(COMMAND, "truncate", "-s", "64M", image.toString()).orThrow();
        Exec.run(Duration.ofSeconds(30), "mkfs.ext4", "-q", "-F", image.toString()).orThrow();
        device = Exec.run(COMMAND, "losetup", "--find", "--show", image.toString()).orThrow().out().strip();
        lab = Lab.up(LAYOUT, Lab.UP_TIMEOUT, line -> { }, FilesystemTakeoverLabTest::addStore);
        watch = AtMostOneWatch.start("mounts", FilesystemTakeoverLabTest::holders);
    }

    @AfterAll
    static void down() throws IOException {
        if (watch != null) watch.close();
        Lab.down(PREFIX);
        if (device != null) Exec.run(COMMAND, "losetup", "-d", device);
        if (work != null) Exec.run(COMMAND, "rm", "-rf", work.toString());
        assertThat(LabNetwork.anyPartExists(PREFIX)).isFalse();
    }

    private static void addStore(LabState state) {
        try {
            String config = Files.readString(state.config());
            String resource = "  - name: data\n    type: ocf:heartbeat:Filesystem\n    params: { device: " + device + ", directory: "
                    + mountPoint + ", fstype: ext4, run_fsck: force }\n    monitor_interval: 2s\n"
                    + "    start_timeout: 60s\n    stop_timeout: 60s\n    monitor_timeout: 40s\n";
            config = config.replace("resources:\n", "resources:\n" + resource);
            config += "  - name: store\n    members: [data]\n    prefer: " + LAYOUT.nodeName(1) + "\n";
            Files.writeString(state.config(), config);
        } catch (IOException e) {
            throw new LabException("cannot add the store group to the lab's config: " + e);
        }
    }

    @Test
    void aPoweredOffOrCutOffHoldersMountIsTakenOverWithItsDataAndNeverMountedTwice() {
        Faults faults = new Faults(lab);
        awaitHolder(Optional.of(1), Duration.ofSeconds(60));
        write(1, "before power loss");

        // The last of a powered-off node's processes takes its mount namespace, and with it the mount, along.
        watch.poweredOff.add(1);
        Faults.Injected kill = faults.kill(1);
        int second = awaitNewHolder(1, kill);
        assertThat(read(second)).isEqualTo("before power loss");
        write(second, "before the cut");
        faults.heal(1);
        watch.poweredOff.remove(1);

        Faults.Injected cut = faults.isolate(second);
        int third = awaitNewHolder(second, cut);
        assertThat(read(third)).isEqualTo("before the cut");
        faults.heal(second);
        awaitHolder(Optional.of(third), WITHIN);

        assertThat(watch.most()).as("nodes with the disk mounted at the same moment, at most: %s", watch.errors()).isEqualTo(1);
        assertThat(watch.errors()).isEmpty();
    }

    private int awaitNewHolder(int old, Faults.Injected fault) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> holders = holders();
            if (holders.size() == 1 && holders.get(0) != old) {
                System.out.printf("%s: %s; mounted by %s after %d ms%n", PREFIX, fault.description(), LAYOUT.nodeName(holders.get(0)),
                        (System.nanoTime() - fault.effectiveNanos()) / 1_000_000);
                return holders.get(0);
            }
            Pids.sleep(20);
        }
        throw new AssertionError("nobody else mounted " + device + " within " + WITHIN.toSeconds() + " s of " + fault.description()
                + "; mounted on " + holders() + "\n" + lab.cluster().logTails(40));
    }

    private void awaitHolder(Optional<Integer> node, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (holders().equals(node.map(List::of).orElse(List.of()))) return;
            Pids.sleep(50);
        }
        throw new AssertionError("expected " + device + " mounted on " + node + " only, found " + holders() + "\n"
                + lab.cluster().logTails(40));
    }

    /** The nodes that have the disk mounted now, as their daemons' mount namespaces say. */
    private static List<Integer> holders() {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= LAYOUT.nodes(); i++) {
            Optional<Long> pid = lab.cluster().pid(i);
            if (pid.isPresent() && MountTable.ofProcess(pid.get()).contains(mountPoint.toString())) out.add(i);
        }
        return out;
    }

    /** Writes a record into the disk as mounted on {@code node}, and flushes it there. */
    private static void write(int node, String text) {
        inMountsOf(node, "printf '%s' '" + text + "' > " + mountPoint.resolve("record") + " && sync");
    }

    private static String read(int node) {
        return inMountsOf(node, "cat " + mountPoint.resolve("record"));
    }

    private static String inMountsOf(int node, String script) {
        long pid = lab.cluster().pid(node).orElseThrow();
        return Exec.run(COMMAND, "nsenter", "-t", Long.toString(pid), "-m", "sh", "-c", script).orThrow().out();
    }
}
