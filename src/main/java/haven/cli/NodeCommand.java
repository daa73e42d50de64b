package haven.cli;

import haven.daemon.ExecutorRunner;
import haven.config.ClusterConfig;
import haven.core.NodeId;
import haven.daemon.NodeDaemon;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "node", description = {"Run this machine's haven daemon (in the foreground), or put a node in standby / online.",
        "  haven node --config FILE --name NODE [--state-dir DIR] [--watchdog /dev/watchdog]",
        "  haven node standby|online NODE"},
        subcommands = {NodeCommand.Standby.class, NodeCommand.Online.class})
public final class NodeCommand implements Callable<Integer> {
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

    @Override
    public Integer call() throws Exception {
        // The same rules as `haven config check`, agents included: a file it refuses must not start a node.
        java.util.Optional<haven.validation.ConfigCheck.Outcome> checked =
                StartupConfig.load(config, haven.validation.AgentChecks.INSTALLED, System.err);
        if (checked.isEmpty()) {
            return 2;
        }
        ClusterConfig cfg = checked.get().config().orElseThrow();
        String n = name != null ? name : java.net.InetAddress.getLocalHost().getHostName();
        if (cfg.nodeIds().stream().noneMatch(id -> id.name().equals(n))) {
            System.err.println("haven: node '" + n + "' is not in " + config + " (nodes: " + cfg.nodeIds()
                    + "); pass --name with one of them");
            return 2;
        }
        NodeId self = NodeId.of(n);
        Path dir = stateDir != null ? stateDir : Path.of("/var/lib/haven", n);
        NodeDaemon daemon = new NodeDaemon(cfg, self, dir, ExecutorRunner.create(cfg, self), java.util.Optional.of(config),
                checked.get().text().orElseThrow());
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "haven-shutdown"));
        daemon.withWatchdog(java.util.Optional.ofNullable(watchdog)).start();
        daemon.awaitStop();
        return daemon.exitStatus();
    }

    @Command(name = "standby", description = "Move every group off NODE and keep it off until `haven node online NODE`.")
    static final class Standby implements Callable<Integer> {
        @Parameters(paramLabel = "NODE") String node;
        @Mixin ApiOptions api;

        @Override
        public Integer call() {
            return ApiOptions.report(api.client().post("/ha/nodes/" + node + "/standby"));
        }
    }

    @Command(name = "online", description = "Let NODE run groups again.")
    static final class Online implements Callable<Integer> {
        @Parameters(paramLabel = "NODE") String node;
        @Mixin ApiOptions api;

        @Override
        public Integer call() {
            return ApiOptions.report(api.client().post("/ha/nodes/" + node + "/online"));
        }
    }
}
