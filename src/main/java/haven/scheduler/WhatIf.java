package haven.scheduler;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * `haven plan`: what a change would make the cluster do, without doing it. The same scheduler is fed a copy of the
 * committed state with the change applied (a node gone, a move asked for), and played forward as if every node did
 * what it was told and said so (starts reported started, stops released), round after round until nothing is left
 * to do: a move takes two rounds (stop, then start), an order one more per level. Nothing is committed.
 */
public final class WhatIf {
    /** Rounds at most: deep chains of orders and colocations settle well within this. */
    static final int ROUNDS = 12;

    public sealed interface Change {
        String describe();
    }

    /** The node stops answering (power loss): its groups move once it is declared lost. */
    public record NodeDown(NodeId node) implements Change {
        public String describe() {
            return node + " down";
        }
    }

    /** An administrator's move of a group (as `haven resource move`). */
    public record Move(GroupId group, NodeId node) implements Change {
        public String describe() {
            return "move " + group + " to " + node;
        }
    }

    /** A new config (checked already), as `haven config apply --dry-run` asks: placed with it from the committed state. */
    public record ConfigChange(ClusterConfig next, long version) implements Change {
        public String describe() {
            return "config version " + version + " applied";
        }
    }

    /** One round: what the coordinator would commit, in words. */
    public record Round(List<String> actions) {}

    public record Outcome(Change change, List<Round> rounds, boolean settled, Plan last) {
        public java.util.Map<String, Object> toMap() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("change", change.describe());
            m.put("rounds", rounds.stream().map(Round::actions).toList());
            m.put("settled", settled);
            java.util.Map<String, Object> then = new java.util.LinkedHashMap<>();
            last.explanations().forEach((g, e) -> then.put(g.name(), e.decision()));
            m.put("then", then);
            return m;
        }

        public String text() {
            StringBuilder b = new StringBuilder("what if " + change.describe() + ":\n");
            if (rounds.isEmpty()) b.append("  nothing would change\n");
            for (int i = 0; i < rounds.size(); i++) {
                b.append("  ").append(i + 1).append(". ").append(String.join("\n     ", rounds.get(i).actions())).append('\n');
            }
            if (!settled) b.append("  (still changing after ").append(ROUNDS).append(" rounds: see `haven why`)\n");
            b.append("then:\n");
            last.explanations().forEach((g, e) -> b.append("  ").append(g).append(": ").append(e.decision()).append('\n'));
            return b.toString();
        }
    }

    private WhatIf() {}

    public static Outcome play(ClusterConfig config, ClusterState committed, Set<NodeId> online, long nowEpochMs, Change change) {
        TreeSet<NodeId> up = new TreeSet<>(online);
        TreeSet<NodeId> lost = new TreeSet<>();
        ClusterState s = committed;
        switch (change) {
            case NodeDown d -> {
                up.remove(d.node());
                lost.add(d.node());
            }
            case Move m -> s = s.with(new Command.Move(m.group(), Optional.of(m.node())));
            case ConfigChange c -> config = c.next();
        }
        List<Round> rounds = new ArrayList<>();
        Plan p = Scheduler.plan(SchedulerInput.of(config, s, up, lost, nowEpochMs));
        boolean settled = false;
        for (int round = 0; round < ROUNDS; round++) {
            List<String> actions = new ArrayList<>();
            for (Command c : p.commands()) words(c, s).ifPresent(actions::add);
            s = s.apply(p.commands());
            List<Command> reports = reports(config, s, up);
            if (!reports.isEmpty()) s = s.apply(reports);
            if (!actions.isEmpty()) rounds.add(new Round(actions));
            if (p.commands().isEmpty() && reports.isEmpty()) {
                settled = true;
                break;
            }
            p = Scheduler.plan(SchedulerInput.of(config, s, up, Set.of(), nowEpochMs));
        }
        return new Outcome(change, rounds, settled, p);
    }

    /** What the nodes would report once they did as told: started where assigned, released elsewhere. */
    static List<Command> reports(ClusterConfig config, ClusterState s, Set<NodeId> up) {
        List<Command> out = new ArrayList<>();
        for (var e : s.groups().entrySet()) {
            GroupState g = e.getValue();
            if (config.group(e.getKey()).map(haven.config.GroupConfig::isClone).orElse(false)) {
                // A clone's instances: started where listed, released where no longer.
                for (NodeId n : g.instances()) {
                    if (up.contains(n) && !g.startedOn().contains(n)) out.add(new Command.InstanceStarted(e.getKey(), n));
                }
                for (NodeId n : g.mayBeActive()) {
                    if (up.contains(n) && !g.instances().contains(n)) out.add(new Command.InstanceReleased(e.getKey(), n));
                }
                continue;
            }
            for (NodeId n : g.mayBeActive()) {
                if (up.contains(n) && !g.assigned().equals(Optional.of(n))) out.add(new Command.Released(e.getKey(), n, g.generation()));
            }
            if (g.assigned().isPresent() && !g.started() && up.contains(g.assigned().get())) {
                out.add(new Command.Started(e.getKey(), g.assigned().get(), g.generation()));
            }
        }
        return out;
    }

    /** {@code before}: the state the command applies to, for the node a stop takes a group off. */
    private static Optional<String> words(Command c, ClusterState before) {
        return switch (c) {
            case Command.NodeLost l -> Optional.of(l.node() + " declared lost");
            case Command.Assign a -> Optional.of(a.node().map(n -> "start " + a.group() + " on " + n + " (" + a.reason() + ")")
                    .orElse("stop " + a.group() + before.group(a.group()).assigned().map(n -> " on " + n).orElse("") + " (" + a.reason() + ")"));
            case Command.SetInstances i -> Optional.of(i.group() + " instances on " + i.nodes());
            case Command.SetClones k -> Optional.of(k.group() + " instances on " + k.nodes() + (k.nodes().isEmpty() ? " (stop every instance)" : ""));
            default -> Optional.empty();
        };
    }
}
