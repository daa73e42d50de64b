package haven.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lab's replicated PostgreSQL group, {@code db}: the built-in postgresql type on every node's own disk (initdb on
 * first start, streaming replication over the replication network), primary on one node with its address (.103), open
 * to the client namespace without a password. What the lab test and a user of {@code haven lab up --postgres} need:
 * the config, and SQL run as a client would run it.
 */
public final class ReplicatedPostgres {
    static final int PORT = 5432;

    private final Lab lab;
    private final java.util.Map<Integer, Long> triedAt = new java.util.concurrent.ConcurrentHashMap<>();

    public ReplicatedPostgres(Lab lab) {
        this.lab = lab;
    }

    /** Adds the group to the lab's config; for {@link Lab#up}'s beforeStart. {@code mode}: sync or async. */
    public static void addTo(LabState s, LabLayout layout, String mode) {
        try {
            String config = Files.readString(s.config());
            String resources = "  - name: db\n    type: postgresql\n    params: { data: " + s.disk().resolve("pg") + ", mode: " + mode
                    + ", clients: " + layout.subnet() + ", client_auth: trust }\n    monitor_interval: 1s\n    start_timeout: 120s\n"
                    + "  - name: db-ip\n    type: ipaddr\n    params: { address: " + vip(layout) + "/24 }\n    monitor_interval: 2s\n";
            config = config.replace("resources:\n", "resources:\n" + resources);
            config += "  - name: db\n    members: [db, db-ip]\n    prefer: " + layout.nodeName(1)
                    + "\n    promotable: { members: [db], notify: true }\n";
            Files.writeString(s.config(), config);
        } catch (IOException e) {
            throw new LabException("cannot add the db group to the lab's config: " + e);
        }
    }

    public static String vip(LabLayout layout) {
        return layout.vip().substring(0, layout.vip().lastIndexOf('.')) + ".103";
    }

    /** Runs {@code sql} from the client namespace against {@code host}; the unaligned rows, or empty when it failed. */
    public Optional<String> sql(String host, String sql, Duration limit) {
        List<String> cmd = new ArrayList<>(Netns.execIn(lab.layout().clientNamespace(), "env", "PGCONNECT_TIMEOUT=2", "psql", "-XAtq",
                "-h", host, "-p", Integer.toString(PORT), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql));
        Exec.Result r = Exec.run(limit, cmd);
        return r.ok() ? Optional.of(r.out().strip()) : Optional.empty();
    }

    /**
     * The nodes whose server accepts a write now, each tried on its own address, all at once: an insert into
     * {@code probes}, committed locally (a sync primary would otherwise wait for a replica, and the question is who
     * takes writes). Nodes in {@code skip} are not tried (powered off or cut off: a try would only wait out its
     * connect timeout). Each try's start is kept ({@link #triedAt}).
     */
    public List<Integer> writable(java.util.Set<Integer> skip) {
        List<java.util.function.Supplier<Optional<Integer>>> tries = new ArrayList<>();
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            if (skip.contains(i)) continue;
            int node = i;
            tries.add(() -> {
                triedAt.put(node, System.currentTimeMillis());
                return sql(lab.layout().nodeAddress(node), "set synchronous_commit = local; insert into probes values (now())",
                        Duration.ofSeconds(4)).map(out -> node);
            });
        }
        // Within the tries' own limit and the time to start their programs.
        return haven.core.AskAll.within(Duration.ofSeconds(10), tries);
    }

    /** When the last try of {@link #writable} on node {@code i} began (wall-clock ms): a write it found taken came after. */
    public long triedAt(int i) {
        return triedAt.getOrDefault(i, 0L);
    }

    /** Creates the writer's and the checker's tables through the address, waiting for a primary to take them. */
    public void createTables(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (sql(vip(lab.layout()), "create table if not exists rows (i bigint); create table if not exists probes (at timestamptz)",
                    Duration.ofSeconds(10)).isPresent()) return;
            Pids.sleep(200);
        }
        throw new LabException("no primary took the tables at " + vip(lab.layout()) + " within " + within.toSeconds() + " s\n"
                + lab.cluster().logTails(40));
    }

    public AckedWriter startWriter(Path dir) throws IOException {
        return AckedWriter.rows(lab.layout(), dir, vip(lab.layout()), PORT);
    }

    /** What node {@code i}'s API says of its copy: /ha/resources/db/replication/KEY, or empty when it does not answer. */
    public Optional<String> replication(int i, String key) {
        return lab.cluster().replication(i, "db", key).filter(Http.Reply::ok).map(r -> r.body().strip());
    }
}
