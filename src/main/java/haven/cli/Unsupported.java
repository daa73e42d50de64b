package haven.cli;

import haven.config.ClusterConfig;
import haven.config.Quorum;
import java.util.Optional;

/**
 * Settings the config accepts (so a file can be prepared and checked) but this version's daemon cannot run
 * yet. Refusing at start beats running with a rule silently ignored.
 */
final class Unsupported {
    private Unsupported() {}

    static Optional<String> of(ClusterConfig c) {
        if (c.quorum().noQuorumPolicy() != Quorum.NoQuorumPolicy.STOP) {
            return Optional.of("quorum.no_quorum_policy " + c.quorum().noQuorumPolicy().word() + " cannot run in this version"
                    + " yet: a node without quorum always stops its resources (no_quorum_policy: stop)");
        }
        return Optional.empty();
    }
}
