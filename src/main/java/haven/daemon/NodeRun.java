package haven.daemon;

import haven.config.ClusterConfig;
import haven.core.NodeId;
import haven.validation.AgentChecks;
import haven.validation.ConfigCheck;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * What `haven node` runs: this machine's daemon, in the foreground, until it stops. A picocli mixin, so that the
 * CLI's `haven node` and {@link DaemonMain}'s `node` (what the lab starts) parse the same words the same way.
 */
public final class NodeRun {
    @Option(names = "--config", description = "the cluster config file (default /etc/haven/haven.yaml)")
    Path config = Path.of("/etc/haven/haven.yaml");

    @Option(names = "--name", description = "this node's name in the config (default: the host name)")
    String name;

    @Option(names = "--state-dir", description = "where the cluster log and keys live (default /var/lib/haven/NODE)")
    Path stateDir;

    @Option(names = "--watchdog", paramLabel = "DEVICE", description = {"a watchdog device (e.g. /dev/watchdog) for the guard to pet:",
        "if the guard hangs or dies, or cannot force off what this node runs, the kernel resets the machine.",
        "Off by default: opening the device arms it."})
    Path watchdog;

    /** Runs the daemon until it stops; its exit status, or 2 (said on stderr) when the config cannot start it. */
    public int run() throws Exception {
        // The same rules as `haven config check`, agents included: a file it refuses must not start a node.
        Optional<ConfigCheck.Outcome> checked = StartupConfig.load(config, AgentChecks.INSTALLED, System.err);
        if (checked.isEmpty()) {
            return 2;
        }
        ClusterConfig cfg = checked.get().config().orElseThrow();
        String n = name != null ? name : InetAddress.getLocalHost().getHostName();
        if (cfg.nodeIds().stream().noneMatch(id -> id.name().equals(n))) {
            System.err.println("haven: node '" + n + "' is not in " + config + " (nodes: " + cfg.nodeIds()
                    + "); pass --name with one of them");
            return 2;
        }
        NodeId self = NodeId.of(n);
        Path dir = stateDir != null ? stateDir : Path.of("/var/lib/haven", n);
        NodeDaemon daemon = new NodeDaemon(cfg, self, dir, ExecutorRunner.create(cfg, self,
                Optional.of(haven.executor.agents.ocf.PromotionScores.install(dir)), Optional.of(new haven.executor.AgentSite(dir, cfg.key()))),
                Optional.of(config),
                checked.get().text().orElseThrow());
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "haven-shutdown"));
        daemon.withWatchdog(Optional.ofNullable(watchdog)).start();
        daemon.awaitStop();
        return daemon.exitStatus();
    }
}
