package haven.executor.agents;

import haven.config.ResourceConfig;
import haven.core.AgentResult;
import haven.core.BesideJar;
import haven.core.ForceOff;
import haven.executor.AgentSite;
import haven.executor.ResourceAgent;
import haven.replication.PrimaryStream;
import haven.replication.ReplicatedDirectory;
import haven.replication.ReplicationKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code type: replicated-dir}: a directory kept the same on every instance of a promotable group, for data with no
 * replication of its own (web uploads, mail spools, shares). The primary serves it through haven-rdir, a FUSE layer
 * that streams every change to the replicas over the replication network; in {@code mode: sync} an fsync returns
 * only once every in-sync replica has the data. Parameters: {@code directory} (required), {@code mode} (sync or
 * async, default sync), {@code port} (default 7790, on each node's replication address), {@code sync_timeout}
 * (default 1s: a replica silent that long is dropped from the in-sync set). See docs/replicated-dir.md.
 *
 * <p>The promotion score it sets is its copy's {@link haven.replication.DataState#score}, so haven promotes the
 * most current copy, never one that is not whole.
 */
public final class ReplicatedDirAgent implements ResourceAgent {
    public static final String TYPE = haven.config.GroupConfig.Promotable.REPLICATED_DIR;
    static final String PROGRAM = "haven-rdir";
    private static final List<String> PARAMS = List.of("directory", "mode", "port", "sync_timeout", "min_in_sync");
    private static final int DEFAULT_PORT = 7790;
    private static final System.Logger LOG = System.getLogger(ReplicatedDirAgent.class.getName());

    private final String resource;
    private final Path directory;
    private final Optional<ReplicatedDirectory> replicated;
    private volatile Optional<Long> score = Optional.empty();
    private final List<Runnable> forceOffListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String unusable;
    /** Whom a promotion asks: the members of this node's view. */
    private final haven.core.ViewMembers view;

    public ReplicatedDirAgent(ResourceConfig rc, Map<String, String> environment, Optional<AgentSite> site) {
        Params p = Params.of(rc, PARAMS);
        resource = rc.id().name();
        directory = p.optionalAbsolutePath("directory").orElseThrow(() -> p.invalid("directory", "required, e.g. directory: /srv/uploads"));
        if (directory.getNameCount() == 0) throw p.invalid("directory", "/ cannot be replicated; name a directory of the data");
        PrimaryStream.Mode mode = switch (p.optional("mode").orElse("sync")) {
            case "sync" -> PrimaryStream.Mode.SYNC;
            case "async" -> PrimaryStream.Mode.ASYNC;
            default -> throw p.invalid("mode", "'" + p.optional("mode").orElseThrow() + "' is neither sync nor async");
        };
        int port = p.port("port", DEFAULT_PORT);
        Duration syncTimeout = p.optional("sync_timeout").map(v -> duration(p, v)).orElse(Duration.ofSeconds(1));
        int minInSync = p.optional("min_in_sync").map(v -> replicas(p, v)).orElse(0);
        if (minInSync > 0 && mode == PrimaryStream.Mode.ASYNC) throw p.invalid("min_in_sync", "applies to mode: sync only");
        Optional<Path> program = BesideJar.path(PROGRAM).filter(Files::isExecutable);
        String address = environment.getOrDefault("HAVEN_REPLICATION_ADDRESS", "");
        view = site.map(AgentSite::view).orElseGet(haven.core.ViewMembers::new);
        if (site.isEmpty() || address.isEmpty()) {
            unusable = "replicated-dir runs only inside a node daemon";
            replicated = Optional.empty();
        } else if (program.isEmpty()) {
            unusable = PROGRAM + " is not installed beside haven's jar (" + BesideJar.path(PROGRAM).map(Path::toString).orElse("?")
                    + "): install fuse3, libfuse3-dev and pkg-config (scripts/install-deps) and build haven again";
            replicated = Optional.empty();
        } else {
            unusable = "";
            var settings = new ReplicatedDirectory.Settings(resource, directory, mode, syncTimeout,
                    site.get().stateDir().resolve("rdir").resolve(resource), program.get(), new ReplicationKey(site.get().clusterKey()),
                    environment.getOrDefault("HAVEN_NODE", ""), new InetSocketAddress(address, port),
                    peers(environment.getOrDefault("HAVEN_REPLICATION_PEERS", ""), port), aloneAfter(environment), minInSync);
            replicated = Optional.of(site.get().directories().open(settings, line -> LOG.log(System.Logger.Level.INFO, resource + ": " + line)));
            // A copy handed over from the agent this one replaces is running: its score holds from the start.
            if (replicated.get().role() != ReplicatedDirectory.Role.STOPPED) scored(AgentResult.ok());
        }
    }

    private static Duration duration(Params p, String v) {
        try {
            Duration d = haven.core.Durations.parse(v);
            if (!d.isNegative() && !d.isZero()) return d;
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw p.invalid("sync_timeout", "'" + v + "' is not a positive duration such as 1s or 500ms");
    }

    private static int replicas(Params p, String v) {
        if (v.matches("\\d{1,3}")) return Integer.parseInt(v);
        throw p.invalid("min_in_sync", "'" + v + "' is not a number of replicas such as 1");
    }

    /** Twice the time a cut-off node can still act (HAVEN_LOST_AFTER_MS), so that only a node in the majority goes on alone. */
    static Duration aloneAfter(Map<String, String> environment) {
        long lostAfter = 650;
        try {
            lostAfter = Long.parseLong(environment.getOrDefault("HAVEN_LOST_AFTER_MS", "650"));
        } catch (NumberFormatException ignored) {
            // the daemon writes a number; the default timing's figure otherwise
        }
        return Duration.ofMillis(2 * Math.max(lostAfter, 100));
    }

    /** HAVEN_REPLICATION_PEERS: "name=address ..." */
    static Map<String, InetSocketAddress> peers(String text, int port) {
        Map<String, InetSocketAddress> out = new TreeMap<>();
        for (String word : text.trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) out.put(word.substring(0, eq), new InetSocketAddress(word.substring(eq + 1), port));
        }
        return out;
    }

    /** Also the demotion: the layer's process is gone, and the guard must forget its group (the number is reused). */
    @Override
    public AgentResult start(Duration timeout) {
        if (replicated.isEmpty()) return AgentResult.configError(unusable);
        try {
            replicated.get().startReplica();
            return scored(AgentResult.ok());
        } catch (IOException | RuntimeException e) {
            return AgentResult.failed("cannot run the replica of " + directory + ": " + e.getMessage());
        } finally {
            forceOffListeners.forEach(Runnable::run);
        }
    }

    /**
     * The guard was armed before the promotion, when no layer ran: it hears of the layer's process here, so that a
     * frozen daemon's async primary cannot go on taking writes past its lease.
     */
    @Override
    public AgentResult promote(Duration timeout, long generation) {
        if (replicated.isEmpty()) return AgentResult.configError(unusable);
        try {
            replicated.get().promote(generation, view::asks);
            return scored(AgentResult.ok());
        } catch (ReplicatedDirectory.Declined e) {
            return scored(AgentResult.declined(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            // The layer or the state file failed: a failure, reported with the copy's score as it now stands.
            return scored(AgentResult.failed("cannot take the primary role of " + directory + ": " + e.getMessage()));
        } finally {
            forceOffListeners.forEach(Runnable::run);
        }
    }

    @Override
    public void onForceOffChanged(Runnable listener) {
        forceOffListeners.add(listener);
    }

    @Override
    public AgentResult demote(Duration timeout) {
        return start(timeout);
    }

    @Override
    public AgentResult stop(Duration timeout) {
        replicated.ifPresent(ReplicatedDirectory::stop);
        forceOffListeners.forEach(Runnable::run);
        return AgentResult.ok();
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        if (replicated.isEmpty()) return AgentResult.notRunning();
        ReplicatedDirectory r = replicated.get();
        Optional<String> problem = r.problem();
        if (problem.isPresent()) return AgentResult.failed(problem.get());
        return scored(switch (r.role()) {
            case PRIMARY -> AgentResult.promoted();
            case REPLICA -> AgentResult.ok();
            case STOPPED -> AgentResult.notRunning();
        });
    }

    /** Notes the promotion score from the copy's state and writes the status file, then answers {@code result}. */
    private AgentResult scored(AgentResult result) {
        if (replicated.isEmpty()) return result;
        try {
            score = Optional.of(replicated.get().score());
            replicated.get().writeStatus();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, resource + ": cannot read the copy's state or write its status: " + e.getMessage());
        }
        return result;
    }

    /**
     * The copy's score as of the last operation (generation x 1,000,000 + epoch x 10 + role: beyond crm_master's
     * INFINITY, which is why it does not go through crm_master's file).
     */
    @Override
    public Optional<Long> promotionScore() {
        return score;
    }

    @Override
    public Map<String, String> replicationStatus() {
        if (replicated.isEmpty()) return Map.of();
        try {
            return replicated.get().status();
        } catch (IOException e) {
            return Map.of("problem", "cannot read the copy's state: " + e.getMessage());
        }
    }

    /** The layer's process: killed, it leaves a mount that refuses every write, which is what a deadline needs. */
    @Override
    public List<ForceOff> forceOff() {
        long pgid = replicated.map(ReplicatedDirectory::processGroup).orElse(0L);
        return pgid > 1 ? List.of(new ForceOff.KillGroup(pgid)) : List.of();
    }
}
