package haven.config.budget;

import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.ResourceConfig;
import haven.config.Timing;
import haven.core.ResourceId;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The arithmetic of a failover after a node dies, from the configured timers alone. Each term is the
 * longest the step may take when every operation succeeds, only just within its timeout; a failed start
 * is a different story (local recovery, or a move to a third node) and is not a failover budget.
 */
public final class FailoverBudget {
    private FailoverBudget() {}

    public static List<GroupBudget> of(ClusterConfig config, FencingTerm fencing) {
        // One lookup table, not a search of every resource per member: 50,000 groups must stay linear.
        Map<ResourceId, ResourceConfig> byId = byId(config);
        return config.groups().stream().map(g -> of(g, config, byId, fencing)).toList();
    }

    static GroupBudget of(GroupConfig group, ClusterConfig config, FencingTerm fencing) {
        return of(group, config, byId(config), fencing);
    }

    static Map<ResourceId, ResourceConfig> byId(ClusterConfig config) {
        Map<ResourceId, ResourceConfig> byId = new HashMap<>();
        config.resources().forEach(r -> byId.put(r.id(), r));
        return byId;
    }

    private static GroupBudget of(GroupConfig group, ClusterConfig config, Map<ResourceId, ResourceConfig> byId,
                                  FencingTerm fencing) {
        List<ResourceConfig> members = group.members().stream()
                .map(id -> Optional.ofNullable(byId.get(id)).orElseThrow(
                        () -> new IllegalStateException("group " + group.id() + " names unknown resource " + id)))
                .toList();
        Timing t = config.timing();
        // FD_ALL3 suspects the silent node, VERIFY_SUSPECT2 confirms it; then the new view is installed.
        Duration detect = t.failureTimeout().plus(t.verifyTimeout());
        // Every survivor must beat once stamped with the new view (it no longer renews the dead node's lease);
        // the slowest does so within one heartbeat interval.
        Duration confirm = t.heartbeatInterval();
        return new GroupBudget(group.id(), detect, confirm,
                // The coordinator waits lost_after (lease + 2.5 margins) from the last moment a survivor could
                // renew the dead node's lease, which is at the latest its death: only what detection and
                // confirmation have not already covered remains.
                max(Duration.ZERO, t.lostAfter().minus(detect).minus(confirm)),
                // two_node: the survivor of a dead holder waits the priority delay before it fences.
                config.quorum().mode() == haven.config.Quorum.Mode.TWO_NODE
                        ? fencing.total().plus(config.quorum().priorityFenceDelay()) : fencing.total(),
                // Planning is immediate, but the Assign must commit through the Raft log before the target
                // node acts on it: about one heartbeat interval on a LAN.
                t.heartbeatInterval(),
                probeAndStart(members));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * The target probes every member whose state it does not know yet; the probes of a group are issued
     * together and run in parallel (one lane per resource), so they cost the slowest monitor_timeout. The
     * starts run one after the other, in member order, so their timeouts add up.
     */
    static Duration probeAndStart(List<ResourceConfig> members) {
        Duration probe = members.stream().map(ResourceConfig::monitorTimeout).max(Duration::compareTo)
                .orElse(Duration.ZERO);
        Duration starts = members.stream().map(ResourceConfig::startTimeout).reduce(Duration.ZERO, Duration::plus);
        return probe.plus(starts);
    }
}
