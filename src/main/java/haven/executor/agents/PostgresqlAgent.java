package haven.executor.agents;

import haven.config.ResourceConfig;
import haven.core.AgentResult;
import haven.core.ForceOff;
import haven.core.NodeId;
import haven.core.Notice;
import haven.core.Operation;
import haven.executor.AgentSite;
import haven.executor.ResourceAgent;
import haven.executor.agents.pg.PgFiles;
import haven.executor.agents.pg.PgFollow;
import haven.executor.agents.pg.PgLsn;
import haven.executor.agents.pg.PgPeers;
import haven.executor.agents.pg.PgRun;
import haven.executor.agents.pg.PgSettings;
import haven.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code type: postgresql}: a PostgreSQL server that haven replicates itself, promoted on one node of a promotable group
 * and a streaming replica on the others. The first start runs initdb where the data directory is empty; a replica
 * copies its primary with pg_basebackup, follows a new primary by a reload, and is rewound with pg_rewind when it was a
 * primary itself. {@code mode: sync} makes a commit wait until one replica has flushed it; the promotion takes the
 * replica that received the most (its WAL position is its score, and peers are asked again just before). Replicas
 * learn who is primary from haven's notifications, which the group must turn on. Replication runs between the nodes'
 * replication addresses as role haven_replication, whose password is derived from the cluster key.
 */
public final class PostgresqlAgent implements ResourceAgent {
    public static final String TYPE = haven.config.GroupConfig.Promotable.POSTGRESQL;
    private static final List<String> PARAMS = List.of("data", "mode", "port", "bin", "user", "clients", "client_auth");
    private static final Path DEBIAN_ROOT = haven.executor.agents.pg.PgBinaries.DEBIAN_ROOT;
    private static final Duration QUICK = Duration.ofSeconds(5);
    /** Longer than a failover takes to tell the replicas their new primary (2-3 s in the lab). */
    private static final Duration STREAM_GRACE = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(PostgresqlAgent.class.getName());

    private final String resource;
    /** The server's settings and the means to act on it; empty when it cannot run here ({@link #unusable} says why). */
    private final Optional<Pg> pg;
    private final String unusable;
    private volatile Optional<Long> score = Optional.empty();
    /** The node this copy follows, as the last notification said. */
    private volatile Optional<String> primary = Optional.empty();
    /** Whom a promotion asks: the members of this node's view. */
    private final haven.core.ViewMembers view;
    /** A peer had received more when this node was to be promoted: it ranks last until it follows a primary. */
    private volatile boolean deferred;
    /** Since when (System.nanoTime) this replica has not streamed though a primary runs, 0 while it does. */
    private volatile long notStreamingSince;
    /** What the next start does for a replica that could not stream; each repair in a row goes one step further. */
    private volatile PgFollow.Repair repair = PgFollow.Repair.NONE;
    private volatile int repairsInARow;
    /** The server's last answer for status, and when it was asked ({@link #recentAnswer}). */
    private volatile StatusLook lastLook;

    private record StatusLook(long atNanos, Optional<PgLsn.Answer> answer) {}

    private static final long STATUS_FRESH_NANOS = 1_000_000_000L;

    private record Pg(PgSettings s, PgRun run, PgFiles files) {
        PgFollow follow(String resource) {
            return new PgFollow(s, run, files, line -> LOG.log(System.Logger.Level.INFO, resource + ": " + line));
        }
    }

    public PostgresqlAgent(ResourceConfig rc, Map<String, String> environment, Optional<AgentSite> site) {
        Params p = Params.of(rc, PARAMS);
        resource = rc.id().name();
        Path data = p.optionalAbsolutePath("data").orElseThrow(() -> p.invalid("data", "required, e.g. data: /var/lib/postgresql/haven"));
        boolean sync = switch (p.optional("mode").orElse("sync")) {
            case "sync" -> true;
            case "async" -> false;
            default -> throw p.invalid("mode", "'" + p.optional("mode").orElseThrow() + "' is neither sync nor async");
        };
        int port = p.port("port", 5432);
        String auth = p.optional("client_auth").orElse("scram-sha-256");
        if (!List.of("scram-sha-256", "md5", "trust", "reject").contains(auth)) {
            throw p.invalid("client_auth", "'" + auth + "' is not one of scram-sha-256, md5, trust, reject");
        }
        String clients = p.optional("clients").orElse("");
        Optional<Path> bin = p.optionalAbsolutePath("bin").or(() -> haven.executor.agents.pg.PgBinaries.newest(DEBIAN_ROOT));
        String address = environment.getOrDefault("HAVEN_REPLICATION_ADDRESS", "");
        String self = environment.getOrDefault("HAVEN_NODE", "");
        view = site.map(AgentSite::view).orElseGet(haven.core.ViewMembers::new);
        if (site.isEmpty() || address.isEmpty()) {
            unusable = "postgresql runs only inside a node daemon";
            pg = Optional.empty();
        } else if (bin.isEmpty() || !java.nio.file.Files.isExecutable(bin.get().resolve("pg_ctl"))) {
            unusable = "no PostgreSQL server binaries (pg_ctl) in " + bin.map(Path::toString).orElse(DEBIAN_ROOT + "/VERSION/bin")
                    + ": install the postgresql package, or name the folder with bin:";
            pg = Optional.empty();
        } else {
            unusable = "";
            var peers = ReplicatedDirAgent.peers(environment.getOrDefault("HAVEN_REPLICATION_PEERS", ""), port);
            Map<String, String> every = new LinkedHashMap<>();
            every.put(self, address);
            peers.forEach((n, a) -> every.put(n, a.getHostString()));
            PgSettings s = new PgSettings(resource, data, bin.get(), p.optional("user").orElse("postgres"), port, sync, self, peers,
                    Map.copyOf(every), site.get().stateDir().resolve("pg").resolve(resource), clients, auth,
                    PgParams.password(site.get().clusterKey(), resource), ResourceMarks.markerOf(resource, environment));
            pg = Optional.of(new Pg(s, new PgRun(s), new PgFiles(s)));
        }
    }

    /** Starts the server as a replica: initdb first where the data directory is empty (the least current copy). */
    @Override
    public AgentResult start(Duration timeout) {
        if (pg.isEmpty()) return AgentResult.configError(unusable);
        PgSettings s = pg.get().s();
        PgRun run = pg.get().run();
        PgFiles files = pg.get().files();
        try {
            files.prepareFolders();
            if (!files.initialized()) {
                ProcessRunner.Result r = run.initdb(timeout);
                if (!r.ok()) return AgentResult.failed("initdb failed: " + r.describe());
                files.markFresh(true);
            }
            if (repair != PgFollow.Repair.NONE) return repaired(timeout);
            if (run.running()) {
                if (!isPrimaryRunning(run)) return scored(AgentResult.ok());
                ProcessRunner.Result r = run.stop("fast", timeout);
                if (!r.ok()) return AgentResult.failed("a primary runs where a replica must: cannot stop it: " + r.describe());
            }
            files.write(primary.map(s.everyNode()::get));
            files.standbySignal(true);
            ProcessRunner.Result r = run.start(timeout);
            return r.ok() ? scored(AgentResult.ok()) : AgentResult.failed("cannot start the server: " + r.describe());
        } catch (IOException e) {
            return AgentResult.failed("cannot prepare " + s.data() + ": " + e.getMessage());
        }
    }

    /** The start after a monitor found the replica not streaming: rewound, or copied anew, from the primary there is. */
    private AgentResult repaired(Duration timeout) throws IOException {
        PgFollow.Repair how = repair;
        repair = PgFollow.Repair.NONE;
        Optional<String> to = primaryElsewhere();
        if (to.isEmpty()) return start(timeout);
        Optional<String> problem = pg.orElseThrow().follow(resource).follow(to.get(), timeout, how);
        if (problem.isPresent()) return AgentResult.failed("cannot follow " + to.get() + " again: " + problem.get());
        primary = to;
        return scored(AgentResult.ok());
    }

    /** The primary the last notification named, or when none did, the peer whose server runs as a primary now. */
    private Optional<String> primaryElsewhere() {
        Pg p = pg.orElseThrow();
        return primary.filter(name -> !name.equals(p.s().self())).or(() -> PgPeers.ask(p.s(), p.run(), peer -> true).stream()
                .filter(peer -> !peer.answer().replica()).map(PgPeers.Peer::name).findFirst());
    }

    /**
     * Promotes the replica, unless a peer's replica received more (it then ranks last, and haven promotes the other) or a
     * peer still runs as a primary.
     */
    @Override
    public AgentResult promote(Duration timeout, long generation) {
        if (pg.isEmpty()) return AgentResult.configError(unusable);
        PgSettings s = pg.get().s();
        PgRun run = pg.get().run();
        PgFiles files = pg.get().files();
        Optional<PgLsn.Answer> mine = run.local(PgLsn.QUERY, QUICK).flatMap(PgLsn::answer);
        if (mine.isEmpty()) return AgentResult.failed("the server does not answer; it cannot be promoted");
        try {
            if (mine.get().replica()) {
                for (PgPeers.Peer peer : PgPeers.ask(s, run, view::asks)) {
                    if (!peer.answer().replica()) return AgentResult.failed(peer.name() + "'s server still runs as a primary");
                    boolean sameCluster = peer.answer().systemId().equals(mine.get().systemId());
                    if (sameCluster && Long.compareUnsigned(peer.answer().lsn(), mine.get().lsn()) > 0) {
                        deferred = true;
                        return scored(AgentResult.declined(peer.name() + " received more WAL (" + hex(peer.answer().lsn()) + " against "
                                + hex(mine.get().lsn()) + "): it must be promoted instead"));
                    }
                }
                ProcessRunner.Result r = run.promote(timeout);
                if (!r.ok()) return AgentResult.failed("pg_ctl promote failed: " + r.describe());
            }
            ProcessRunner.Result role = run.localResult(PgParams.replicationRoleSql(s.password()), QUICK);
            if (!role.ok()) return AgentResult.failed("cannot set up the replication role: " + role.describe());
            files.markWasPrimary(true, generation);
            files.markFresh(false);
            deferred = false;
            primary = Optional.of(s.self());
            return scored(AgentResult.promoted());
        } catch (IOException e) {
            return AgentResult.failed("cannot record the promotion in " + s.metaDir() + ": " + e.getMessage());
        }
    }

    /** Restarts as a replica of nobody yet: the next notification names the primary, and the copy is rewound to follow it. */
    @Override
    public AgentResult demote(Duration timeout) {
        if (pg.isEmpty()) return AgentResult.configError(unusable);
        primary = Optional.empty();
        return start(timeout);
    }

    @Override
    public AgentResult stop(Duration timeout) {
        if (pg.isEmpty()) return AgentResult.ok();
        PgRun run = pg.get().run();
        if (!pg.get().files().initialized() || !run.running()) return AgentResult.ok();
        ProcessRunner.Result r = run.stop("fast", timeout.dividedBy(2));
        if (!r.ok()) r = run.stop("immediate", timeout.dividedBy(2));
        return r.ok() ? AgentResult.ok() : AgentResult.failed("cannot stop the server: " + r.describe());
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        if (pg.isEmpty()) return AgentResult.notRunning();
        PgRun run = pg.get().run();
        if (!pg.get().files().initialized() || !run.running()) return AgentResult.notRunning();
        Optional<PgLsn.Answer> a = run.local(PgLsn.QUERY, timeout).flatMap(PgLsn::answer);
        if (a.isEmpty()) return AgentResult.failed("the server runs but does not answer on " + pg.get().s().socketDir());
        if (a.get().replica()) {
            Optional<String> stuck = notStreaming(a.get());
            if (stuck.isPresent()) return scored(AgentResult.failed(stuck.get()), a);
        }
        return scored(a.get().replica() ? AgentResult.ok() : AgentResult.promoted(), a);
    }

    /**
     * A replica that has not streamed for {@link #STREAM_GRACE} while a primary runs (its history forked from the
     * primary's, or the WAL it needs is gone there): the failure makes haven restart it, and the start rewinds it, or
     * copies it anew when a rewind was already tried. Before a primary exists (a new cluster) nothing is wrong.
     */
    private Optional<String> notStreaming(PgLsn.Answer a) {
        if (a.streaming()) {
            notStreamingSince = 0;
            repairsInARow = 0;
            return Optional.empty();
        }
        long now = System.nanoTime();
        if (notStreamingSince == 0) notStreamingSince = now;
        if (now - notStreamingSince < STREAM_GRACE.toNanos()) return Optional.empty();
        notStreamingSince = 0;
        Optional<String> from = primaryElsewhere();
        if (from.isEmpty()) return Optional.empty();
        repair = repairsInARow++ == 0 ? PgFollow.Repair.REWIND : PgFollow.Repair.RECLONE;
        return Optional.of("this replica has not streamed from " + from.get() + " for " + STREAM_GRACE.toSeconds() + " s: its restart "
                + (repair == PgFollow.Repair.REWIND ? "rewinds it to " : "copies anew the data of ") + from.get());
    }

    /** After a promotion elsewhere, or a start of this replica, the copy follows the primary the notice names. */
    @Override
    public AgentResult notify(Duration timeout, Notice notice) {
        if (pg.isEmpty() || notice.pre()) return AgentResult.ok();
        Optional<NodeId> now = switch (notice.operation()) {
            case PROMOTE -> Optional.of(notice.subject());
            case DEMOTE -> Optional.empty();
            case STOP -> notice.primary().filter(p -> !p.equals(notice.subject()));
            default -> notice.primary();
        };
        if (now.isEmpty() || now.get().name().equals(pg.get().s().self())) return AgentResult.ok();
        String name = now.get().name();
        // Already following it: only this replica's own start makes it follow again (its server came up with
        // whatever the files said); another replica's start changes nothing here, and a reload per start was waste.
        boolean ownStart = notice.operation() == Operation.START && notice.subject().name().equals(pg.get().s().self());
        if (primary.equals(Optional.of(name)) && !ownStart) return AgentResult.ok();
        try {
            Optional<String> problem = pg.get().follow(resource).follow(name, timeout);
            if (problem.isPresent()) return AgentResult.failed("cannot follow " + name + ": " + problem.get());
            primary = Optional.of(name);
            deferred = false;
            notStreamingSince = 0;
            return scored(AgentResult.ok());
        } catch (IOException e) {
            return AgentResult.failed("cannot follow " + name + ": " + e.getMessage());
        }
    }

    /**
     * The score: the WAL position, except for a copy that must rank last while it stays promotable (fresh from initdb,
     * a peer found to have more, or an old primary not yet rewound, whose history may have forked).
     */
    private AgentResult scored(AgentResult result) {
        if (pg.isEmpty()) return result;
        return scored(result, pg.get().run().local(PgLsn.QUERY, QUICK).flatMap(PgLsn::answer));
    }

    /** The same with the server's answer at hand. */
    private AgentResult scored(AgentResult result, Optional<PgLsn.Answer> a) {
        PgFiles files = pg.orElseThrow().files();
        boolean last = files.fresh() || deferred || (files.wasPrimary() && a.map(PgLsn.Answer::replica).orElse(true));
        if (last) score = Optional.of(0L);
        else a.ifPresent(x -> score = Optional.of(PgLsn.score(x.lsn())));
        return result;
    }

    private static boolean isPrimaryRunning(PgRun run) {
        return run.local("select pg_is_in_recovery()", QUICK).map("f"::equals).orElse(false);
    }

    private static String hex(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }

    @Override
    public Optional<Long> promotionScore() {
        return score;
    }

    @Override
    public Map<String, String> replicationStatus() {
        if (pg.isEmpty()) return Map.of();
        Map<String, String> out = new LinkedHashMap<>();
        Optional<PgLsn.Answer> a = recentAnswer();
        out.put("role", a.map(x -> x.replica() ? "replica" : "primary").orElse("stopped"));
        a.ifPresent(x -> out.put("wal_position", hex(x.lsn())));
        a.filter(PgLsn.Answer::replica).ifPresent(x -> out.put("streaming", Boolean.toString(x.streaming())));
        primary.filter(p -> a.map(PgLsn.Answer::replica).orElse(false)).ifPresent(p -> out.put("following", p));
        out.put("mode", pg.get().s().sync() ? "sync" : "async");
        score.ifPresent(x -> out.put("score", Long.toString(x)));
        return out;
    }

    /**
     * The server's position, asked at most once a second for status: the dashboard, `/metrics` and `haven status`
     * each ask on every request, and each answer is a psql process.
     */
    private Optional<PgLsn.Answer> recentAnswer() {
        StatusLook last = lastLook;
        long now = System.nanoTime();
        if (last != null && now - last.atNanos() < STATUS_FRESH_NANOS) return last.answer();
        Optional<PgLsn.Answer> a = pg.orElseThrow().run().local(PgLsn.QUERY, QUICK).flatMap(PgLsn::answer);
        lastLook = new StatusLook(now, a);
        return a;
    }

    /** Every process of the server carries the resource's marker: the guard ends them at a deadline. */
    @Override
    public List<ForceOff> forceOff() {
        return pg.map(p -> List.<ForceOff>of(new ForceOff.KillMarked(p.s().marker()))).orElse(List.of());
    }
}
