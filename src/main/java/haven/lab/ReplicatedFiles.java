package haven.lab;

import haven.core.BesideJar;
import haven.core.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lab's replicated-directory group, {@code files}: a replicated-dir on every node's own disk, promoted on one,
 * with its address and the lab's upload service (haven-lab-upload) running only with the primary. What the bench
 * and the lab test both need: the config, who is primary as the nodes' mount tables say, and the copies on disk.
 */
public final class ReplicatedFiles {
    static final int PORT = 8080;
    static final String UPLOAD_PROGRAM = "haven-lab-upload";

    private final Lab lab;
    private final LabState state;

    public ReplicatedFiles(Lab lab) {
        this.lab = lab;
        this.state = LabState.find(lab.layout().prefix()).orElseThrow(() -> new LabException("the lab has no state folder"));
    }

    /** Adds the group to the lab's config; for {@link Lab#up}'s beforeStart. {@code mode}: sync or async. */
    public static void addTo(LabState s, LabLayout layout, String mode) {
        Path upload = BesideJar.path(UPLOAD_PROGRAM).filter(Files::isExecutable).orElseThrow(() -> new LabException(
                UPLOAD_PROGRAM + " is not built beside haven's jar: build haven with a C compiler (scripts/install-deps)"));
        try {
            String config = Files.readString(s.config());
            String resources = "  - name: data\n    type: replicated-dir\n    params: { directory: " + directory(s) + ", mode: " + mode + " }\n"
                    + "    monitor_interval: 1s\n"
                    + "  - name: files-ip\n    type: ipaddr\n    params: { address: " + vip(layout) + "/24 }\n    monitor_interval: 2s\n"
                    + "  - name: upload\n    type: process\n    params: { command: \"" + upload + " " + directory(s) + " 0.0.0.0 " + PORT
                    + "\", check: \"http://127.0.0.1:" + PORT + "/\" }\n    monitor_interval: 2s\n";
            config = config.replace("resources:\n", "resources:\n" + resources);
            config += "  - name: files\n    members: [data, files-ip, upload]\n    prefer: " + layout.nodeName(1)
                    + "\n    promotable: { members: [data] }\n";
            Files.writeString(s.config(), config);
        } catch (IOException e) {
            throw new LabException("cannot add the files group to the lab's config: " + e);
        }
    }

    static Path directory(LabState s) {
        return s.disk().resolve("uploads");
    }

    public static String vip(LabLayout layout) {
        return layout.vip().substring(0, layout.vip().lastIndexOf('.')) + ".102";
    }

    /** The body of upload {@code i}: 4 KB that say which record they are, so a torn or misplaced one shows. */
    public static String record(long i) {
        return String.format("record %08d\n", i).repeat(256);
    }

    public AckedWriter startWriter() throws IOException {
        return AckedWriter.uploads(lab.layout(), state.dir().resolve("writer"), vip(lab.layout()), PORT);
    }

    /** The nodes whose daemon has the layer mounted over the directory (its mount namespace says so). */
    public List<Integer> primaries() {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            var pid = lab.cluster().pid(i);
            if (pid.isPresent() && MountTable.ofProcess(pid.get()).contains(directory(state).toString())) out.add(i);
        }
        return out;
    }

    /** A node other than {@code old} with the layer mounted and the address; fails after {@code within}. */
    public int awaitPrimary(int old, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> p = primaries();
            if (p.size() == 1 && p.get(0) != old && Netns.ipv4Addresses(lab.layout().nodeNamespace(p.get(0))).contains(vip(lab.layout()))) {
                return p.get(0);
            }
            Pids.sleep(20);
        }
        throw new LabException("no primary other than " + old + " within " + within.toSeconds() + " s: layer on " + primaries()
                + "\n" + lab.cluster().logTails(40));
    }

    /** Waits until {@code node}'s copy says it is whole at {@code primary}'s generation (a replica in step with it). */
    public void awaitReplicaInStep(int node, int primary, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, String> m = copyState(node), t = copyState(primary);
            if ("true".equals(m.get("whole")) && "false".equals(m.get("primary")) && m.get("generation") != null
                    && m.get("generation").equals(t.get("generation"))) return;
            Pids.sleep(50);
        }
        throw new LabException(lab.layout().nodeName(node) + " did not come back in step with " + lab.layout().nodeName(primary) + ": "
                + copyState(node) + " vs " + copyState(primary) + "\n" + lab.cluster().logTails(40));
    }

    /** The copy's state file of node {@code i} (generation, epoch, primary, whole). */
    public Map<String, String> copyState(int i) throws IOException {
        return properties(state.nodeDir(lab.layout().nodeName(i)).resolve("rdir/data/state"));
    }

    /** What the replicated directory's agent on node {@code i} last wrote of its role and lag. */
    public Map<String, String> status(int i) throws IOException {
        return properties(state.nodeDir(lab.layout().nodeName(i)).resolve("rdir/data/status"));
    }

    /** Of {@code records}, those missing or not whole on node {@code node}'s disk, as "record-N missing". */
    public List<String> missingOn(int node, Iterable<Long> records) throws IOException {
        Path dir = state.diskOf(lab.layout().nodeName(node)).resolve("uploads");
        List<String> bad = new ArrayList<>();
        for (long i : records) {
            Path f = dir.resolve("record-" + i);
            if (!Files.exists(f)) bad.add(f.getFileName() + " missing");
            else if (!Files.readString(f).equals(record(i))) bad.add(f.getFileName() + " not whole");
        }
        return bad;
    }

    /** Record files on node {@code node}'s disk whose content is not the record they name: a torn or misplaced write. */
    public List<String> tornOn(int node) throws IOException {
        Path dir = state.diskOf(lab.layout().nodeName(node)).resolve("uploads");
        List<String> bad = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.matches("record-\\d+") && !Files.readString(f).equals(record(Long.parseLong(name.substring(7))))) bad.add(name);
            }
        }
        return bad;
    }

    /** The record numbers node {@code node} kept aside (under its rdir/data/diverged) when a newer primary replaced them. */
    public java.util.Set<Long> keptAsideOn(int node) throws IOException {
        Path diverged = state.nodeDir(lab.layout().nodeName(node)).resolve("rdir/data/diverged");
        java.util.Set<Long> out = new java.util.TreeSet<>();
        if (!Files.isDirectory(diverged)) return out;
        try (var walk = Files.walk(diverged)) {
            walk.map(f -> f.getFileName().toString()).filter(n -> n.matches("record-\\d+")).forEach(n -> out.add(Long.parseLong(n.substring(7))));
        }
        return out;
    }

    /** /ha/resources/data/replication/KEY as node {@code i}'s API answers it (text), asked from inside its namespace. */
    public String replicationStatus(int i, String key, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            var r = lab.cluster().replication(i, "data", key);
            if (r.isPresent() && r.get().ok()) return r.get().body().strip();
            last = r.map(Http.Reply::body).orElse("no answer");
            Pids.sleep(100);
        }
        throw new LabException(lab.layout().nodeName(i) + " /ha/resources/data/replication/" + key + ": " + last);
    }

    /** Runs {@code command} in node {@code i}'s mount namespace (where its disk and, on the primary, the layer are). */
    public Exec.Result inMountsOf(int i, Duration timeout, String... command) {
        return lab.cluster().inMountsOf(i, timeout, command);
    }

    public Path directory() {
        return directory(state);
    }

    public Path disk() {
        return state.disk();
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
}
