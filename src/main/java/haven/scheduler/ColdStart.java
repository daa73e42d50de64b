package haven.scheduler;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.NodeId;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a cluster's groups settle from nothing running, with {@code online} nodes up (those in {@code standby} too, but
 * running nothing), every node doing as told: `haven simulate --pacemaker`, which compares haven's placement of an
 * imported CIB with the one Pacemaker makes. The same scheduler and log rules as the daemon; nothing runs.
 */
public final class ColdStart {
    /** Rounds at most: a chain of orders takes one round per level. */
    static final int ROUNDS = 40;

    public record Outcome(ClusterState state, boolean settled) {
        /** One line per group: its node, a promotable group's primary and instances, a clone's instances. */
        public String text(ClusterConfig config) {
            StringBuilder b = new StringBuilder();
            for (GroupConfig g : config.groups().stream().sorted(java.util.Comparator.comparing(x -> x.id().name())).toList()) {
                GroupState s = state.group(g.id());
                b.append(g.id()).append(": ");
                if (g.isClone()) {
                    b.append(s.instances().isEmpty() ? "stopped" : names(s.instances()));
                } else if (g.isPromotable()) {
                    b.append(s.assigned().map(n -> "primary " + n).orElse("no primary")).append("; instances ")
                            .append(s.instances().isEmpty() ? "none" : names(s.instances()));
                } else {
                    b.append(s.assigned().map(NodeId::name).orElse("stopped"));
                }
                b.append('\n');
            }
            if (!settled) b.append("(still changing after ").append(ROUNDS).append(" rounds)\n");
            return b.toString();
        }
    }

    private ColdStart() {}

    public static Outcome settle(ClusterConfig config, Set<NodeId> online, Set<NodeId> standby, Set<haven.core.GroupId> disabled,
            long nowEpochMs) {
        ClusterState s = ClusterState.EMPTY;
        List<Command> before = new java.util.ArrayList<>();
        standby.forEach(n -> before.add(new Command.SetStandby(n, true)));
        disabled.forEach(g -> before.add(new Command.SetDisabled(g, true)));
        if (!before.isEmpty()) s = s.apply(before);
        TreeSet<NodeId> up = new TreeSet<>(online);
        for (int round = 0; round < ROUNDS; round++) {
            Plan p = Scheduler.plan(SchedulerInput.of(config, s, up, Set.of(), nowEpochMs));
            if (!p.commands().isEmpty()) s = s.apply(p.commands());
            List<Command> reports = new java.util.ArrayList<>(WhatIf.reports(config, s, up));
            // A promotable group's instances report a promotion score as their agents would (all equal), or it waits.
            for (GroupConfig g : config.groups()) {
                if (!g.isPromotable()) continue;
                for (NodeId n : s.group(g.id()).instances()) {
                    if (!s.group(g.id()).scores().containsKey(n)) reports.add(new Command.PromotionScore(g.id(), n, java.util.Optional.of(1L)));
                }
            }
            if (!reports.isEmpty()) s = s.apply(reports);
            if (p.commands().isEmpty() && reports.isEmpty()) return new Outcome(s, true);
        }
        return new Outcome(s, false);
    }

    private static String names(java.util.Collection<NodeId> nodes) {
        return String.join(", ", nodes.stream().map(NodeId::name).toList());
    }
}
