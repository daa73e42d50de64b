package haven.config.budget;

import haven.config.ClusterConfig;
import haven.core.NodeId;
import haven.config.fence.FenceDevice;
import haven.config.fence.FenceLevel;
import haven.config.fence.FencingTopology;
import java.time.Duration;
import java.util.Optional;

/**
 * What fencing adds to a failover: the coordinator may start a lost node's groups only once the node is
 * fenced, so the budget waits for the slowest way fencing can still succeed. {@link #NONE} without a
 * {@code fencing:} section.
 *
 * @param slowestLevelPath the agent runs on that way, each only just within its device's timeout
 * @param staticDelay      the devices' configured delays on that way
 */
public record FencingTerm(Duration slowestLevelPath, Duration staticDelay) {
    public static final FencingTerm NONE = new FencingTerm(Duration.ZERO, Duration.ZERO);

    public FencingTerm {
        if (slowestLevelPath.isNegative() || staticDelay.isNegative()) {
            throw new IllegalArgumentException("a fencing term cannot be negative");
        }
    }

    /**
     * The term of a config: the slowest of its service nodes to fence, since any group may have run on any
     * of them (a witness runs no group, so its fencing delays none).
     *
     * <p>Fencing a node, the fencer tries its levels in order until one succeeds; the
     * slowest success is the one where every level before the last fails only at the end of its time, so
     * every level's time adds up. Within a level the devices run one after the other, not together, so
     * their times add up too. A device's time is its delay, then the off run and the status run that
     * confirms it, each up to the device's timeout:
     * <pre>
     *   fence(node) = sum over the node's levels L, sum over the devices d of L: delay(d) + 2 * timeout(d)
     *   term        = max over the service nodes of fence(node)
     * </pre>
     * Assumed: the action is off (a reboot of a level of several devices also waits for their power-on), and
     * each agent's metadata is already cached (the daemon reads it when it starts, not during a failover).
     * A service node that no device can fence adds nothing: the budget of a failover that cannot happen is
     * not a number.
     */
    public static FencingTerm of(ClusterConfig config) {
        Optional<FencingTopology> fencing = config.fencing();
        if (fencing.isEmpty()) {
            return NONE;
        }
        FencingTerm slowest = NONE;
        for (NodeId node : config.serviceNodeIds()) {
            FencingTerm term = ofNode(fencing.get(), node.name());
            if (term.total().compareTo(slowest.total()) > 0) {
                slowest = term;
            }
        }
        return slowest;
    }

    static FencingTerm ofNode(FencingTopology topology, String node) {
        Duration runs = Duration.ZERO;
        Duration delays = Duration.ZERO;
        for (FenceLevel level : topology.levelsFor(node)) {
            for (String name : level.devices()) {
                FenceDevice d = topology.device(name).orElseThrow();
                runs = runs.plus(d.timeout().multipliedBy(2));
                delays = delays.plus(d.delay());
            }
        }
        return new FencingTerm(runs, delays);
    }

    public Duration total() {
        return slowestLevelPath.plus(staticDelay);
    }

    public boolean configured() {
        return !total().isZero();
    }
}
