package haven.daemon;

import haven.config.live.ConfigFile;
import haven.config.live.ConfigDiff;
import haven.config.live.ReloadRules;
import haven.config.live.LiveScope;
import haven.cib.ConfigRevision;
import haven.config.ClusterConfig;
import haven.config.ConfigException;
import haven.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The daemon's side of live config changes. It watches the committed config in every applied cluster state
 * and, for each new version, in commit order on a thread of its own (parsing and asking agents for their
 * reload rules take time the cluster log's thread must not spend): parses it, writes it to this node's file,
 * works out what it asks of the resources ({@link ConfigDiff}) and hands that to the node's core.
 *
 * <p>A node that was down during a change finds, at start, a committed config other than its file: it takes
 * the committed one the same way and says so in its log.
 */
public final class ConfigFollower implements AutoCloseable {
    /** Receives each change to apply, in commit order. */
    public interface Sink {
        void changed(long version, ClusterConfig config, ConfigDiff diff);
    }

    private final Optional<Path> file;
    private final Path baseDir;
    private final ReloadRules rules;
    private final Consumer<String> log;
    private final Sink sink;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("config-follower").factory());
    private volatile long seenVersion = 0;
    /** Whether a state was observed yet: a committed config in the very first one predates this daemon's start. */
    private volatile boolean observedAny = false;
    private volatile String text;
    /** Touched on the worker thread only. */
    private ClusterConfig current;
    private String currentSha;

    /**
     * {@code file}: the config file this node was started with (empty: no file to keep, as for a witness
     * serving several clusters); {@code text}: its content.
     */
    public ConfigFollower(ClusterConfig running, String text, Optional<Path> file, ReloadRules rules, Consumer<String> log, Sink sink) {
        this.current = running;
        this.text = text;
        this.currentSha = ConfigRevision.sha256(text);
        this.file = file;
        this.baseDir = file.map(f -> f.toAbsolutePath().getParent()).orElse(Path.of(""));
        this.rules = rules;
        this.log = log;
        this.sink = sink;
    }

    /** The text of the config this node runs (or is about to run): its file's, or the last committed one. */
    public String text() {
        return text;
    }

    /** Where a relative key_file of a proposed config is read from. */
    public Path baseDir() {
        return baseDir;
    }

    /** Called with the committed config of every applied state; cheap when it did not change. */
    public void observe(ConfigRevision committed) {
        boolean atStart = !observedAny;
        observedAny = true;
        if (!committed.committed() || committed.version() <= seenVersion) return;
        seenVersion = committed.version();
        worker.execute(() -> take(committed, atStart));
    }

    private void take(ConfigRevision rev, boolean atStart) {
        if (rev.sha256().equals(currentSha)) return;
        String where = file.map(Path::toString).orElse("this node's config");
        ClusterConfig next;
        try {
            next = ConfigLoader.parse(rev.text(), "committed config version " + rev.version(), baseDir);
        } catch (ConfigException e) {
            // Checked where it was proposed; here it can still fail on what differs per node (a key_file path).
            log.accept("CONFIG: committed config version " + rev.version() + " does not load on this node, which keeps"
                    + " running its current config: " + e.problems() + "; fix the cause here, or apply a corrected config");
            return;
        }
        List<String> notLive = LiveScope.notLive(current, next);
        if (atStart) {
            log.accept("config: " + where + " differs from the cluster's committed config version " + rev.version()
                    + " (this node missed a change while it was down): taking the committed one"
                    + file.map(f -> "; the file as it was is kept as " + ConfigFile.prev(f)).orElse(""));
        }
        if (file.isPresent()) {
            try {
                ConfigFile.write(file.get(), rev.text());
            } catch (IOException e) {
                log.accept("CONFIG: cannot write committed config version " + rev.version() + " to " + file.get() + ": " + e
                        + "; it runs live, but a restart of this node would read the old file");
            }
        }
        text = rev.text();
        if (!notLive.isEmpty()) {
            log.accept("CONFIG: committed config version " + rev.version() + " changes what needs a restart of this node: "
                    + notLive);
            return;
        }
        ConfigDiff diff = ConfigDiff.between(current, next, rules);
        current = next;
        currentSha = rev.sha256();
        sink.changed(rev.version(), next, diff);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
