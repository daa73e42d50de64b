package haven.executor.agents.pg;

import haven.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Makes this node's copy a replica of another node's primary, by the cheapest way that is right: a new setting and a
 * reload when the copy already follows that history; pg_rewind when it was a primary itself (it may hold writes the
 * new primary never had); a new base backup when the copy is fresh from initdb, belongs to another database cluster,
 * or cannot be rewound (the old data is then kept aside, never deleted).
 */
public final class PgFollow {
    /** What a replica that stopped streaming needs: nothing special, a rewind, or a new copy. */
    public enum Repair { NONE, REWIND, RECLONE }

    private final PgSettings s;
    private final PgRun run;
    private final PgFiles files;
    private final Consumer<String> log;

    public PgFollow(PgSettings settings, PgRun run, PgFiles files, Consumer<String> log) {
        this.s = settings;
        this.run = run;
        this.files = files;
        this.log = log;
    }

    /** Follows {@code primary} (a node name); empty when done, else why not. */
    public Optional<String> follow(String primary, Duration limit) throws IOException {
        return follow(primary, limit, Repair.NONE);
    }

    /** The same, for a replica that could not stream: {@code repair} forces a rewind, or a new copy. */
    public Optional<String> follow(String primary, Duration limit, Repair repair) throws IOException {
        String address = s.everyNode().get(primary);
        if (address == null) return Optional.of(primary + " is not a service node of this cluster");
        long deadline = System.nanoTime() + limit.toNanos();
        Optional<String> theirs = remoteSystemId(address, left(deadline));
        Optional<String> ours = files.initialized() ? run.systemIdentifier(left(deadline)) : Optional.empty();
        if (repair == Repair.RECLONE || files.fresh() || ours.isEmpty() || (theirs.isPresent() && !theirs.equals(ours))) {
            if (theirs.isEmpty()) return Optional.of("cannot reach " + primary + "'s server at " + address + " to copy its data");
            return reclone(primary, address, deadline, repair == Repair.RECLONE ? "a rewind did not make it stream again"
                    : files.fresh() || ours.isEmpty() ? "this copy is fresh"
                    : "this copy belongs to another database cluster (" + ours.get() + " against " + theirs.get() + ")");
        }
        if (files.wasPrimary() || repair == Repair.REWIND) {
            stopIfRunning(deadline);
            ProcessRunner.Result r = run.rewind(address, left(deadline));
            if (!r.ok()) return reclone(primary, address, deadline, "pg_rewind failed: " + r.describe());
            log.accept("rewound this copy to " + primary + "'s history");
            files.markWasPrimary(false, 0);
            return startFollowing(address, deadline);
        }
        files.write(Optional.of(address));
        files.standbySignal(true);
        if (!run.running()) return startFollowing(address, deadline);
        ProcessRunner.Result r = run.localResult("select pg_reload_conf()", left(deadline));
        return r.ok() ? Optional.empty() : Optional.of("cannot reload the server's settings: " + r.describe());
    }

    private Optional<String> reclone(String primary, String address, long deadline, String why) throws IOException {
        stopIfRunning(deadline);
        if (files.fresh() || !files.initialized()) {
            haven.core.FileTrees.delete(s.data());
            files.prepareFolders();
        } else {
            Path aside = files.keepAside();
            log.accept("kept the old data aside in " + aside + " before copying " + primary + "'s");
        }
        log.accept("copying " + primary + "'s data (pg_basebackup): " + why);
        ProcessRunner.Result r = run.baseBackup(address, left(deadline));
        if (!r.ok()) return Optional.of("cannot copy " + primary + "'s data: " + r.describe());
        files.markFresh(false);
        files.markWasPrimary(false, 0);
        return startFollowing(address, deadline);
    }

    private Optional<String> startFollowing(String address, long deadline) throws IOException {
        files.write(Optional.of(address));
        files.standbySignal(true);
        ProcessRunner.Result r = run.start(left(deadline));
        return r.ok() ? Optional.empty() : Optional.of("cannot start the replica: " + r.describe());
    }

    private void stopIfRunning(long deadline) throws IOException {
        if (!run.running()) return;
        ProcessRunner.Result r = run.stop("fast", left(deadline));
        if (!r.ok()) throw new IOException("cannot stop the server to change its data: " + r.describe());
    }

    private Optional<String> remoteSystemId(String address, Duration limit) {
        ProcessRunner.Result r = run.remote(address, "select system_identifier from pg_control_system()", limit);
        return r.ok() && !r.output().isBlank() ? Optional.of(r.output().strip()) : Optional.empty();
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(Duration.ofSeconds(1).toNanos(), deadline - System.nanoTime()));
    }
}
