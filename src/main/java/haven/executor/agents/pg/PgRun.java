package haven.executor.agents.pg;

import haven.process.ProcessRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's programs, run as its account: pg_ctl, initdb, psql, pg_basebackup, pg_rewind, pg_controldata. Every
 * call has a limit; the results are the programs' own, with their output, for the agent's messages.
 */
public final class PgRun {
    private final PgSettings s;
    private final ProcessRunner runner = new ProcessRunner();

    public PgRun(PgSettings settings) {
        this.s = settings;
    }

    private List<String> asOwner(String program, String... args) {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", s.osUser(), "--", s.bin().resolve(program).toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    public ProcessRunner.Result initdb(Duration limit) {
        return runner.run(asOwner("initdb", "-D", s.data().toString(), "-U", "postgres", "-E", "UTF8", "--auth-local=peer",
                "--auth-host=scram-sha-256"), limit);
    }

    /** Starts the server; its processes carry the resource's marker, so that the guard can end them. */
    public ProcessRunner.Result start(Duration limit) {
        return runner.run(asOwner("pg_ctl", "start", "-w", "-t", waitSeconds(limit), "-D", s.data().toString(), "-l", s.log().toString()),
                Map.of(haven.process.MarkedProcesses.VARIABLE, s.marker()), limit);
    }

    public ProcessRunner.Result stop(String mode, Duration limit) {
        return runner.run(asOwner("pg_ctl", "stop", "-w", "-m", mode, "-t", waitSeconds(limit), "-D", s.data().toString()), limit);
    }

    public ProcessRunner.Result promote(Duration limit) {
        return runner.run(asOwner("pg_ctl", "promote", "-w", "-t", waitSeconds(limit), "-D", s.data().toString()), limit);
    }

    /** pg_ctl's own wait, a second inside ours, so that it reports rather than being killed. */
    private static String waitSeconds(Duration limit) {
        return Long.toString(Math.max(1, limit.toSeconds() - 1));
    }

    /**
     * Whether a server runs on the data: the process postmaster.pid names is alive (what pg_ctl status checks, without
     * starting two programs every monitor).
     */
    public boolean running() {
        try {
            var lines = java.nio.file.Files.readAllLines(s.data().resolve("postmaster.pid"));
            if (lines.isEmpty()) return false;
            return ProcessHandle.of(Long.parseLong(lines.get(0).strip())).map(ProcessHandle::isAlive).orElse(false);
        } catch (java.io.IOException | NumberFormatException e) {
            return false;
        }
    }

    /** One query on the local socket as the data's owner; the unaligned rows, or empty when it failed. */
    public Optional<String> local(String sql, Duration limit) {
        ProcessRunner.Result r = localResult(sql, limit);
        return r.ok() ? Optional.of(r.output().strip()) : Optional.empty();
    }

    /** The same, but the whole result, for a message when it failed. */
    public ProcessRunner.Result localResult(String sql, Duration limit) {
        return runner.run(asOwner("psql", "-XAtq", "-h", s.socketDir().toString(), "-p", Integer.toString(s.port()), "-U", "postgres",
                "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql), limit);
    }

    /** One query on a peer's server, as the replication role. */
    public ProcessRunner.Result remote(String host, String sql, Duration limit) {
        return runner.run(asOwner("psql", "-XAtq", "-d", conninfo(host), "-v", "ON_ERROR_STOP=1", "-c", sql), password(), limit);
    }

    /** A new copy of {@code host}'s data into the (empty) data directory, with the WAL it needs to start. */
    public ProcessRunner.Result baseBackup(String host, Duration limit) {
        return runner.run(asOwner("pg_basebackup", "-d", conninfo(host), "-D", s.data().toString(), "-X", "stream", "-c", "fast",
                "--no-sync"), password(), limit);
    }

    /** Winds the (stopped) data back to where it left {@code host}'s history, so that it can follow it. */
    public ProcessRunner.Result rewind(String host, Duration limit) {
        return runner.run(asOwner("pg_rewind", "--target-pgdata=" + s.data(), "--source-server=" + conninfo(host), "--no-sync"),
                password(), limit);
    }

    /** pg_controldata's "Database system identifier", or empty. */
    public Optional<String> systemIdentifier(Duration limit) {
        ProcessRunner.Result r = runner.run(List.of(s.bin().resolve("pg_controldata").toString(), "-D", s.data().toString()),
                Map.of("LC_ALL", "C"), limit);
        if (!r.ok()) return Optional.empty();
        return r.output().lines().filter(l -> l.startsWith("Database system identifier:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst();
    }

    private String conninfo(String host) {
        return s.conninfo(host) + " dbname=postgres";
    }

    private Map<String, String> password() {
        return Map.of("PGPASSWORD", s.password(), "PGCONNECT_TIMEOUT", "2");
    }
}
