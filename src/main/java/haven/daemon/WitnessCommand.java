package haven.daemon;

import haven.config.ClusterConfig;
import haven.config.NodeConfig;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the witness of one or more clusters in one process: in each, it joins as the member whose role is
 * witness, votes and keeps a copy of the cluster log, and runs no resource. One small machine can so give
 * several two-node clusters their third vote.
 */
@Command(name = "witness", description = {"Run a witness: the voting, resource-free third member of one or more clusters.",
        "  haven witness --config FILE [--config FILE ...] [--name NODE] [--state-dir DIR]"})
public final class WitnessCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "a cluster config file in which this machine is the witness;"
            + " repeat for each cluster served")
    List<Path> configs;

    @Option(names = "--name", description = "the witness's node name, when a config lists more than one witness")
    String name;

    @Option(names = "--state-dir", description = "where each cluster's log copy lives, in a folder per cluster"
            + " (default /var/lib/haven/witness)")
    Path stateDir = Path.of("/var/lib/haven/witness");

    @Override
    public Integer call() throws Exception {
        List<ClusterConfig> clusters = new ArrayList<>();
        List<NodeConfig> selves = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Path file : configs) {
            // A witness runs no resource, so no agent is asked; every other rule is the node's.
            java.util.Optional<haven.validation.ConfigCheck.Outcome> checked =
                    StartupConfig.load(file, haven.validation.AgentChecks.NONE, System.err);
            if (checked.isEmpty()) {
                return 2;
            }
            ClusterConfig cfg = checked.get().config().orElseThrow();
            texts.add(checked.get().text().orElseThrow());
            List<NodeConfig> witnesses = cfg.nodes().stream().filter(NodeConfig::isWitness)
                    .filter(n -> name == null || n.id().name().equals(name)).toList();
            if (witnesses.size() != 1) {
                System.err.println("haven witness: " + file + " has " + (witnesses.isEmpty() ? "no" : witnesses.size())
                        + " witness" + (name == null ? "" : " named '" + name + "'") + " among its nodes "
                        + cfg.nodes().stream().map(n -> n.id() + " (" + n.role().label() + ")").toList()
                        + (witnesses.isEmpty() ? "; give one node role: witness" : "; pass --name to pick one"));
                return 2;
            }
            if (clusters.stream().anyMatch(c -> c.clusterName().equals(cfg.clusterName()))) {
                System.err.println("haven witness: cluster '" + cfg.clusterName() + "' is given twice (" + file + ")");
                return 2;
            }
            clusters.add(cfg);
            selves.add(witnesses.get(0));
        }
        List<NodeDaemon> daemons = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> daemons.reversed().forEach(NodeDaemon::close), "haven-witness-shutdown"));
        for (int i = 0; i < clusters.size(); i++) {
            ClusterConfig cfg = clusters.get(i);
            NodeConfig self = selves.get(i);
            // Each cluster's file follows that cluster's committed config, as on its other nodes.
            NodeDaemon daemon = new NodeDaemon(cfg, self.id(), stateDir.resolve(cfg.clusterName()),
                    ExecutorRunner.create(cfg, self.id()), java.util.Optional.of(configs.get(i)),
                    texts.get(i));
            try {
                daemon.start();
            } catch (BindException e) {
                System.err.println("haven witness: cluster '" + cfg.clusterName() + "': port taken (" + e.getMessage()
                        + "); every cluster a witness serves needs its own cluster.port and cluster.api_port");
                return 2;
            }
            daemons.add(daemon);
        }
        for (NodeDaemon d : daemons) {
            d.awaitStop();
        }
        return 0;
    }
}
