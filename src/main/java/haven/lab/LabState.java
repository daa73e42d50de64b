package haven.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The lab's folder, shared by every command that touches the lab (each runs in its own process):
 * <pre>
 *   lab.properties      prefix and node count, written first, so `down` works after a half-failed `up`
 *   config.yaml         the cluster config, the same file for every node
 *   www/nI/             nginx prefix of node nI: nginx.conf, html/index.html, logs, pid, temp folders
 *   nodes/nI/           the daemon's --state-dir (survives a power-loss fault, like a disk)
 *   logs/nI.log         the daemon's stdout and stderr
 *   pids/nI.pid         "PID START_TICKS" of the daemon, so a recycled PID is never signalled
 * </pre>
 * Lives under /run/haven-lab/P (tmpfs, gone at reboot like the namespaces), or /tmp/haven-lab/P when /run is
 * not writable.
 */
public final class LabState {
    private static final Path[] ROOTS = {Path.of("/run/haven-lab"), Path.of("/tmp/haven-lab")};
    private final Path dir;

    private LabState(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Creates the folder for a new lab; refuses if one exists. */
    public static LabState create(LabLayout layout) {
        if (find(layout.prefix()).isPresent()) {
            throw new LabException("lab '" + layout.prefix() + "' already has a state folder "
                    + find(layout.prefix()).get().dir() + "; run `haven lab down --prefix " + layout.prefix() + "`");
        }
        for (Path root : ROOTS) {
            try {
                Files.createDirectories(root);
                Path dir = Files.createDirectory(root.resolve(layout.prefix()));
                LabState s = new LabState(dir);
                Properties p = new Properties();
                p.setProperty("prefix", layout.prefix());
                p.setProperty("nodes", Integer.toString(layout.nodes()));
                p.setProperty("witness", Boolean.toString(layout.witness()));
                p.setProperty("fencing", Boolean.toString(layout.fencing()));
                p.setProperty("ping", Boolean.toString(layout.ping()));
                p.setProperty("freeze", Boolean.toString(layout.freeze()));
                p.setProperty("ocf", Boolean.toString(layout.ocfAgents()));
                p.setProperty("replication", Boolean.toString(layout.replicationNet()));
                try (var out = Files.newBufferedWriter(dir.resolve("lab.properties"))) {
                    p.store(out, "haven lab");
                }
                return s;
            } catch (IOException e) {
                // try the next root
            }
        }
        throw new LabException("cannot create a lab folder under /run/haven-lab or /tmp/haven-lab");
    }

    /** The folder of an existing lab, wherever it was made. */
    public static Optional<LabState> find(String prefix) {
        for (Path root : ROOTS) {
            Path dir = root.resolve(prefix);
            if (Files.isDirectory(dir)) {
                return Optional.of(new LabState(dir));
            }
        }
        return Optional.empty();
    }

    /** The layout of an existing lab, or a clear error if there is none. */
    public static LabLayout layoutOf(String prefix) {
        LabState s = find(prefix).orElseThrow(() -> new LabException("no lab with prefix '" + prefix
                + "' (no folder under /run/haven-lab or /tmp/haven-lab); start one with `haven lab up --prefix "
                + prefix + "`"));
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(s.dir.resolve("lab.properties"))) {
            p.load(in);
            return new LabLayout(p.getProperty("prefix"), Integer.parseInt(p.getProperty("nodes")),
                    Boolean.parseBoolean(p.getProperty("witness", "false")), Boolean.parseBoolean(p.getProperty("fencing", "false")),
                    Boolean.parseBoolean(p.getProperty("ping", "false")), Boolean.parseBoolean(p.getProperty("ocf", "false")),
                    Boolean.parseBoolean(p.getProperty("freeze", "false")), Boolean.parseBoolean(p.getProperty("replication", "false")));
        } catch (IOException | RuntimeException e) {
            throw new LabException("lab folder " + s.dir + " is damaged (" + e.getMessage()
                    + "); run `haven lab down --prefix " + prefix + "`");
        }
    }

    public Path config() {
        return dir.resolve("config.yaml");
    }

    public Path www() {
        return dir.resolve("www");
    }

    /**
     * The lab machines' own disk: the same path on every node, each node's daemon seeing there (a bind mount in its
     * mount namespace) its folder of {@link #diskOf}, which outlives the node's power cuts as a disk would.
     */
    public Path disk() {
        return dir.resolve("disk");
    }

    public Path diskOf(String node) {
        return dir.resolve("disks").resolve(node);
    }

    public Path nodeDir(String node) {
        return dir.resolve("nodes").resolve(node);
    }

    public Path log(String node) {
        return dir.resolve("logs").resolve(node + ".log");
    }

    public Path pidFile(String node) {
        return dir.resolve("pids").resolve(node + ".pid");
    }

    /** Records a daemon's PID with its start time. */
    public void recordPid(String node, long pid) {
        write(pidFile(node), pid + " " + Pids.startTicks(pid).orElse(0L) + "\n");
    }

    /** The recorded PID of a node's daemon if that very process still runs (same PID and start time). */
    public Optional<Long> livePid(String node) {
        try {
            String[] f = Files.readString(pidFile(node)).trim().split(" ");
            long pid = Long.parseLong(f[0]);
            long ticks = Long.parseLong(f[1]);
            return Pids.alive(pid) && Pids.startTicks(pid).orElse(-1L) == ticks ? Optional.of(pid) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Last lines of a node's log, for error reports. */
    public String logTail(String node, int lines) {
        try {
            var all = Files.readAllLines(log(node));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Copies the daemons' logs to {@code target} (a folder outside the lab, which `down` removes). */
    public void copyLogs(Path target) {
        try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
            Files.createDirectories(target);
            for (Path log : logs.toList()) {
                Files.copy(log, target.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new LabException("cannot copy the logs to " + target + ": " + e.getMessage());
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Removes the folder and everything in it. */
    public void delete() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new LabException("cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
