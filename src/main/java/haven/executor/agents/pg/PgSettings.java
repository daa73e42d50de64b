package haven.executor.agents.pg;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * One built-in PostgreSQL resource on this node, as its agent was configured.
 *
 * @param resource    the resource's name, also the replication role's password salt
 * @param data        the database cluster's directory (PGDATA), created by initdb on first use
 * @param bin         the server's binaries (pg_ctl, initdb, pg_basebackup, pg_rewind, psql)
 * @param osUser      the account that owns the data and runs the server
 * @param port        the server's TCP port on every address
 * @param sync        whether a commit waits until one replica has flushed it (synchronous_standby_names)
 * @param self        this node's name, the server's application_name when it streams as a replica
 * @param peers       every other service node's replication address
 * @param everyNode   every service node's name and replication address, this one included (the same files on every node)
 * @param metaDir     node-local state that must not travel with the data (markers), root's
 * @param clients     the network allowed to connect as any user ({@code ""}: none beyond local connections)
 * @param clientAuth  how those clients authenticate (pg_hba method)
 * @param password    the replication role's password, derived from the cluster key
 * @param marker      HAVEN_RESOURCE for the server's processes, so that the guard finds them without the daemon
 */
public record PgSettings(String resource, Path data, Path bin, String osUser, int port, boolean sync, String self,
        Map<String, InetSocketAddress> peers, Map<String, String> everyNode, Path metaDir, String clients, String clientAuth,
        String password, String marker) {
    /** The role replicas stream as, and peers ask for their position: a superuser, since pg_rewind reads files. */
    public static final String REPLICATION_ROLE = "haven_replication";

    /**
     * The server's socket and log, beside the data directory and owned by the server's account: haven's state folder is
     * root's alone, and the data directory itself is replaced by a new copy now and then.
     */
    public Path socketDir() {
        return data.resolveSibling(data.getFileName() + ".haven-run");
    }

    /** How this node reaches {@code host}'s server as the replication role (libpq keywords; no password). */
    public String conninfo(String host) {
        return "host=" + host + " port=" + port + " user=" + REPLICATION_ROLE + " application_name=" + self + " connect_timeout=2";
    }

    public Path log() {
        return socketDir().resolve("postgresql.log");
    }
}
