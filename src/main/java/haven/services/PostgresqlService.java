package haven.services;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL server: the virtual IP and postgres, run by ocf:heartbeat:pgsql (pg_ctl start and stop; the
 * monitor runs a query through psql). The data directory is required: it is the database. Debian keeps the
 * server binaries in /usr/lib/postgresql/VERSION/bin, not where the agent looks by default.
 */
public final class PostgresqlService implements ServiceKind {
    static final Path DEBIAN_ROOT = haven.executor.agents.pg.PgBinaries.DEBIAN_ROOT;

    @Override
    public String kind() {
        return "postgresql";
    }

    @Override
    public String packages() {
        return "postgresql";
    }

    @Override
    public ServiceGroup group(ServiceRequest r) throws ServiceException {
        if (r.replicated().isPresent()) return replicated(r, r.replicated().get());
        Path data = r.data().orElseThrow(() -> new ServiceException("postgresql needs --data",
                "give the cluster's data directory, e.g. --data /var/lib/postgresql/15/main"));
        Path bin = binaries(DEBIAN_ROOT).orElseThrow(() -> new ServiceException("no PostgreSQL server binaries"
                + " under " + DEBIAN_ROOT, "install Debian's postgresql package on every node"));
        if (data.toString().matches(".*[\\s'\"$`\\\\].*")) {
            throw new ServiceException("--data '" + data + "' holds a blank, quote, '$' or backslash",
                    "the agent passes it to pg_ctl through a shell; use a plain path");
        }
        int port = r.port().orElse(5432);
        Resource server = Resource.of(r.name() + "-pgsql", "ocf:heartbeat:pgsql")
                .param("pgctl", bin.resolve("pg_ctl").toString())
                .param("psql", bin.resolve("psql").toString())
                .param("pgdata", data.toString());
        r.config().ifPresent(c -> server.param("config", c.toString()));
        server.param("pgport", Integer.toString(port))
                // The server must listen at the VIP, which the group brings up before it (Debian's default is
                // localhost only). The socket goes with the data, so two data directories never share one
                // lock file, and the agent's psql (socketdir) finds the socket the server really made.
                .param("start_opt", "-c listen_addresses=" + r.address() + ",localhost -c unix_socket_directories="
                        + data)
                .param("socketdir", data.toString())
                .advised("120s", "120s", "30s");
        return new ServiceGroup(r.name(), List.of(r.virtualIp(), server), r.prefer());
    }

    /**
     * haven's own replicated PostgreSQL (type postgresql): the server first, promoted on one node and a streaming
     * replica on up to {@code replicas} others, then the address, which comes up on the primary once it takes writes.
     * Clients of the address's network log in with a password (scram-sha-256).
     */
    private static ServiceGroup replicated(ServiceRequest r, ServiceRequest.Replicated how) throws ServiceException {
        if (binaries(DEBIAN_ROOT).isEmpty()) {
            throw new ServiceException("no PostgreSQL server binaries under " + DEBIAN_ROOT, "install Debian's postgresql package on every node");
        }
        if (r.config().isPresent()) {
            throw new ServiceException("--config is not used by a replicated postgresql", "haven writes its own settings file"
                    + " (haven.conf, included from postgresql.conf); put other settings in postgresql.conf in the data directory");
        }
        Path data = r.data().orElse(Path.of("/var/lib/postgresql/haven-" + r.name()));
        Resource server = Resource.of(r.name() + "-pgsql", "postgresql")
                .param("data", data.toString())
                .param("mode", how.sync() ? "sync" : "async")
                .param("clients", NfsService.subnet(r.address(), r.prefix()));
        r.port().ifPresent(p -> server.param("port", Integer.toString(p)));
        server.timing("start_timeout", "300s").timing("stop_timeout", "120s").timing("monitor_interval", "2s").timing("monitor_timeout", "20s");
        return new ServiceGroup(r.name(), List.of(server, r.virtualIp()), r.prefer(),
                Optional.of("{ members: [" + server.name() + "], replicas: " + how.replicas() + ", notify: true }"));
    }

    /** The newest installed version's bin folder, e.g. /usr/lib/postgresql/15/bin. */
    static Optional<Path> binaries(Path root) {
        return haven.executor.agents.pg.PgBinaries.newest(root);
    }
}
