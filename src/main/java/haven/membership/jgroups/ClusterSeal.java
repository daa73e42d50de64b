package haven.membership.jgroups;

import haven.config.ClusterConfig;
import haven.config.NodeConfig;
import haven.core.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.jgroups.JChannel;

/** Builds this node's {@link Sealer} from the config and its state directory, and hands it to the transport. */
final class ClusterSeal {
    private static final System.Logger LOG = System.getLogger("haven.membership");
    /** The freshness bound never goes below this, so a busy host's scheduling hiccups do not drop good datagrams. */
    static final long MIN_MAX_AGE_MS = 200;

    private ClusterSeal() {}

    static Sealer create(ClusterConfig config, NodeConfig self, Path stateDir, Ticker ticker) throws IOException {
        // Earlier versions wrote the derived SYM_ENCRYPT key here; no secret should outlive its use.
        java.nio.file.Files.deleteIfExists(stateDir.resolve("cluster-key.p12"));
        long epoch = BootEpoch.next(stateDir, System.currentTimeMillis());
        // A datagram older than the failure timeout is news of a member that may since have been declared dead.
        ReplayGuard guard = new ReplayGuard(Math.max(MIN_MAX_AGE_MS, config.timing().failureTimeout().toMillis()));
        for (Map.Entry<String, Long> e : BootEpoch.readPeers(stateDir).entrySet()) guard.floor(e.getKey(), e.getValue());
        return new Sealer(new SealKeys(config.key()), self.id().name(), epoch,
                config.nodes().stream().map(n -> n.id().name()).collect(Collectors.toSet()), guard, ticker,
                epochs -> persist(stateDir, epochs));
    }

    static void install(JChannel channel, Sealer sealer) {
        SealedUDP transport = channel.getProtocolStack().findProtocol(SealedUDP.class);
        if (transport == null) throw new IllegalStateException("the JGroups stack has no SealedUDP transport: see StackConfig");
        transport.sealer(sealer);
    }

    private static void persist(Path stateDir, Map<String, Long> epochs) {
        try {
            BootEpoch.writePeers(stateDir, epochs);
        } catch (IOException e) {
            // Only a restart of this node before the next write loses anything: it would then accept a peer's
            // datagrams captured from that peer's previous boot. Loud, but no reason to stop the cluster.
            LOG.log(System.Logger.Level.ERROR, "cannot record the peers' boot epochs in " + stateDir + ": " + e
                    + "; fix the state directory's space or permissions", e);
        }
    }
}
