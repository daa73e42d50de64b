package haven.services;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL server: the virtual IP and postgres, run by ocf:heartbeat:pgsql (pg_ctl start and stop; the
 * monitor runs a query through psql). The data directory is required: it is the database. Debian keeps the
 * server binaries in /usr/lib/postgresql/VERSION/bin, not where the agent looks by default.
 */
public final class PostgresqlService implements ServiceKind {
    static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

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

    /** The newest installed version's bin folder, e.g. /usr/lib/postgresql/15/bin. */
    static Optional<Path> binaries(Path root) {
        if (!Files.isDirectory(root)) return Optional.empty();
        try (var versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .filter(v -> Files.isExecutable(v.resolve("bin/pg_ctl")))
                    .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
