package haven.scheduler;

import haven.cib.ClusterState;
import haven.cib.FailureScope;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.NodeConfig;
import haven.core.Durations;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which nodes may run which group, and the reason for each node that may not. Built once per plan:
 * failures inside the window are counted once per (resource, node), and groups without such failures
 * share one list of reasons per preferred node, so a plan stays near-linear in groups and nodes.
 */
final class Eligibility {
    private final ClusterConfig config;
    private final ClusterState state;
    private final java.util.SortedSet<NodeId> online;
    private final List<NodeId> nodes;
    private final java.util.Map<ResourceId, java.util.Map<NodeId, Long>> recentFailures = new TreeMap<>();
    private final List<haven.cib.FailureRecord> hardFailures = new java.util.ArrayList<>();
    private final java.util.Map<Optional<NodeId>, List<String>> sharedReasons = new java.util.HashMap<>();
    /** What rules each node out for every group alike (witness, offline, standby, uplink), computed once. */
    private final java.util.Map<NodeId, Optional<String>> nodeObstacles = new java.util.HashMap<>();
    /** The best ping reachability among online nodes that reported one, and a node that has it. */
    private final Optional<java.util.Map.Entry<NodeId, Integer>> bestConnected;

    Eligibility(ClusterConfig config, ClusterState state, java.util.SortedSet<NodeId> online, long now) {
        this.config = config;
        this.state = state;
        this.online = online;
        this.nodes = config.nodeIds().stream().sorted().toList();
        this.bestConnected = state.connectivity().entrySet().stream().filter(e -> online.contains(e.getKey()))
                .max(java.util.Map.Entry.<NodeId, Integer>comparingByValue().thenComparing(java.util.Map.Entry.comparingByKey(
                        java.util.Comparator.reverseOrder())));
        long since = now - config.policy().failureWindow().toMillis();
        for (var f : state.failures()) {
            if (f.atEpochMs() >= since) {
                recentFailures.computeIfAbsent(f.resource(), r -> new TreeMap<>()).merge(f.node(), 1L, Long::sum);
                if (f.scope() == FailureScope.NODE || f.scope() == FailureScope.EVERYWHERE) hardFailures.add(f);
            }
        }
    }

    /** Whether {@code resource} failed on {@code node} within the failure window. */
    boolean failedRecently(ResourceId resource, NodeId node) {
        var perNode = recentFailures.get(resource);
        return perNode != null && perNode.containsKey(node);
    }

    /** Every configured node, sorted. */
    List<NodeId> nodes() {
        return nodes;
    }

    boolean canRun(GroupConfig group, NodeId node) {
        return obstacle(group, node).isEmpty();
    }

    Optional<String> obstacle(GroupConfig group, NodeId node) {
        Optional<String> anyGroup = nodeObstacles.computeIfAbsent(node, this::nodeObstacle);
        if (anyGroup.isPresent()) return anyGroup;
        if (recentFailures.isEmpty() && hardFailures.isEmpty()) return Optional.empty();
        for (ResourceId r : group.members()) {
            Optional<String> banned = bannedBy(r, node);
            if (banned.isPresent()) return banned;
            var perNode = recentFailures.get(r);
            long failures = perNode == null ? 0 : perNode.getOrDefault(node, 0L);
            if (failures >= config.policy().migrationThreshold()) {
                return Optional.of(failures + " failures of " + r + " within " + Durations.format(config.policy().failureWindow())
                        + " (migration threshold " + config.policy().migrationThreshold() + "; `haven resource cleanup " + r
                        + "` clears them)");
            }
        }
        return Optional.empty();
    }

    private Optional<String> nodeObstacle(NodeId node) {
        if (config.node(node).map(NodeConfig::isWitness).orElse(false)) return Optional.of("a witness (votes, runs nothing)");
        if (!online.contains(node)) return Optional.of("not in the cluster");
        if (state.standby().contains(node)) return Optional.of("in standby");
        if (state.controls().nodeMaintenance().contains(node)) return Optional.of("in maintenance (`haven node maintenance " + node + " off` ends it)");
        Integer reaches = state.connectivity().get(node);
        if (reaches != null && bestConnected.isPresent() && reaches < bestConnected.get().getValue()) {
            // Heartbeat's ipfail rule: a node that lost (part of) its uplink hands its groups to one that has it.
            return Optional.of("reaches " + reaches + " ping node(s), fewer than " + bestConnected.get().getKey() + " ("
                    + bestConnected.get().getValue() + ")");
        }
        return Optional.empty();
    }

    /**
     * A failure whose exit code says a restart cannot cure it: on this node (not installed, no permission)
     * it bans the node, and a wrong config (invalid arguments, not configured) bans every node, until the
     * failure is cleaned up or leaves the failure window.
     */
    private Optional<String> bannedBy(ResourceId r, NodeId node) {
        for (var f : hardFailures) {
            if (!f.resource().equals(r)) continue;
            if (f.scope() == FailureScope.EVERYWHERE) {
                return Optional.of(r + " cannot run anywhere: " + f.detail() + " on " + f.node() + " (fix the config, then `haven resource cleanup "
                        + r + "`)");
            }
            if (f.node().equals(node)) {
                return Optional.of(r + " cannot run here: " + f.detail() + " (`haven resource cleanup " + r + "` once fixed)");
            }
        }
        return Optional.empty();
    }

    List<String> reasons(GroupConfig group) {
        boolean anyFailures = group.members().stream().anyMatch(recentFailures::containsKey);
        if (!anyFailures) {
            return sharedReasons.computeIfAbsent(group.preferredNode(), p -> build(group));
        }
        return build(group);
    }

    private List<String> build(GroupConfig group) {
        return nodes.stream().map(n -> line(group, n, Optional.empty(), "")).toList();
    }

    /**
     * Node {@code n}'s line of {@code haven why}: the first thing that rules it out (its own obstacle, else
     * {@code ruledOut}, what the group's placement preferences say), else "eligible" followed by {@code note}.
     */
    String line(GroupConfig group, NodeId n, Optional<String> ruledOut, String note) {
        Optional<String> out = obstacle(group, n).or(() -> ruledOut);
        return n + ": " + out.orElse("eligible") + (group.preferredNode().equals(Optional.of(n)) ? " (preferred)" : "")
                + (out.isEmpty() ? note : "");
    }
}
