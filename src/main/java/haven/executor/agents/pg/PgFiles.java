package haven.executor.agents.pg;

import haven.core.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What haven writes into and beside the data directory: its settings file (included from postgresql.conf, rewritten at
 * every start and follow, so a copy taken from another node gets this node's), its block of pg_hba.conf (the same on
 * every node: the replication role from every node's replication address, and the clients' network), the standby
 * signal, and node-local markers (a fresh initdb, the generation this copy was last promoted in).
 */
public final class PgFiles {
    static final String SETTINGS = "haven.conf";
    private static final String INCLUDE = "include_if_exists = '" + SETTINGS + "'";
    private static final String HBA_BEGIN = "# haven: begin (rewritten by haven at every start)";
    private static final String HBA_END = "# haven: end";

    private final PgSettings s;

    public PgFiles(PgSettings settings) {
        this.s = settings;
    }

    /** The data directory has a database cluster in it. */
    public boolean initialized() {
        return Files.isRegularFile(s.data().resolve("PG_VERSION"));
    }

    /** Folders the server needs, owned by its account: the data's (left to initdb to fill) and the socket's. */
    public void prepareFolders() throws IOException {
        Files.createDirectories(s.metaDir());
        Files.createDirectories(s.socketDir());
        Files.createDirectories(s.data().getParent());
        if (!Files.exists(s.data())) Files.createDirectory(s.data());
        Files.setPosixFilePermissions(s.data(), PosixFilePermissions.fromString("rwx------"));
        for (Path p : new Path[] {s.data(), s.socketDir()}) chown(p);
        if (!Files.exists(s.log())) Files.writeString(s.log(), "");
        chown(s.log());
    }

    /** Settings for {@code primary} (the node to stream from; empty when none is known), the include and the hba block. */
    public void write(Optional<String> primaryAddress) throws IOException {
        StringBuilder b = new StringBuilder("# Written by haven for resource " + s.resource() + " on " + s.self()
                + " at every start: change the resource's parameters, not this file.\n");
        b.append("port = ").append(s.port()).append('\n');
        b.append("listen_addresses = '*'\n");
        b.append("unix_socket_directories = '").append(s.socketDir()).append("'\n");
        b.append("cluster_name = '").append(s.self()).append("'\n");
        b.append("wal_level = replica\nwal_log_hints = on\nhot_standby = on\nmax_wal_senders = 10\nwal_keep_size = '256MB'\n");
        b.append("recovery_target_timeline = 'latest'\n");
        // A replica whose primary died retries every 5 s by default; it must reach the new one as soon as it is told,
        // since in sync mode the new primary's commits wait for it.
        b.append("wal_retrieve_retry_interval = '200ms'\n");
        // Every node's name, the primary's own too: a replica streams under its node's name, so the list reads the same
        // on every node and is right whichever one is promoted.
        String names = s.everyNode().keySet().stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
        b.append("synchronous_standby_names = '").append(s.sync() ? "ANY 1 (" + names + ")" : "").append("'\n");
        b.append("primary_conninfo = '").append(primaryAddress.map(a -> conninfo(a).replace("'", "''")).orElse("")).append("'\n");
        Path file = s.data().resolve(SETTINGS);
        AtomicFile.replace(file, b.toString());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        chown(file);
        Path conf = s.data().resolve("postgresql.conf");
        if (!Files.readString(conf).contains(INCLUDE)) Files.writeString(conf, "\n" + INCLUDE + "\n", java.nio.file.StandardOpenOption.APPEND);
        writeHba();
    }

    private String conninfo(String address) {
        return s.conninfo(address) + " password=" + s.password();
    }

    private void writeHba() throws IOException {
        Path hba = s.data().resolve("pg_hba.conf");
        String text = Files.readString(hba);
        int begin = text.indexOf(HBA_BEGIN), end = text.indexOf(HBA_END);
        if (begin >= 0 && end > begin) text = text.substring(0, begin) + text.substring(end + HBA_END.length()).stripLeading();
        StringBuilder b = new StringBuilder(HBA_BEGIN).append('\n');
        for (String address : s.everyNode().values()) {
            b.append("host replication ").append(PgSettings.REPLICATION_ROLE).append(' ').append(address).append("/32 scram-sha-256\n");
            b.append("host postgres ").append(PgSettings.REPLICATION_ROLE).append(' ').append(address).append("/32 scram-sha-256\n");
        }
        if (!s.clients().isEmpty()) b.append("host all all ").append(s.clients()).append(' ').append(s.clientAuth()).append('\n');
        b.append(HBA_END).append('\n');
        // First, so that these lines win over the distribution's defaults.
        AtomicFile.replace(hba, b + text);
        chown(hba);
    }

    public void standbySignal(boolean on) throws IOException {
        Path f = s.data().resolve("standby.signal");
        if (on) {
            if (!Files.exists(f)) Files.writeString(f, "");
            chown(f);
        } else {
            Files.deleteIfExists(f);
        }
    }

    /** The copy came from initdb here and never followed a primary: the least current of all. */
    public boolean fresh() {
        return Files.exists(s.metaDir().resolve("fresh"));
    }

    public void markFresh(boolean on) throws IOException {
        Path f = s.metaDir().resolve("fresh");
        if (on) Files.writeString(f, "");
        else Files.deleteIfExists(f);
    }

    /** Set at a promotion: this copy may hold writes no other has, so it is rewound before it follows another primary. */
    public boolean wasPrimary() {
        return Files.exists(s.metaDir().resolve("was-primary"));
    }

    public void markWasPrimary(boolean on, long generation) throws IOException {
        Path f = s.metaDir().resolve("was-primary");
        if (on) Files.writeString(f, Long.toString(generation));
        else Files.deleteIfExists(f);
    }

    /** Moves the data aside (never deleted: it may hold writes the new primary lacks) and leaves an empty folder. */
    public Path keepAside() throws IOException {
        Path aside = s.data().resolveSibling(s.data().getFileName() + ".haven-aside-" + System.currentTimeMillis());
        Files.move(s.data(), aside);
        prepareFolders();
        return aside;
    }

    private void chown(Path p) throws IOException {
        var users = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, users.lookupPrincipalByName(s.osUser()));
        Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(users.lookupPrincipalByGroupName(s.osUser()));
    }
}
