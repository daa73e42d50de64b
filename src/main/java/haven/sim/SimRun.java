package haven.sim;

import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One seed of the whole-cluster simulation: a cluster of real node cores, a fault mix drawn from the seed,
 * a random fault schedule, then healing, and the checks. Deterministic: the same seed, node count and
 * variant replay the same history.
 */
public final class SimRun {
    /** What the cluster is made of. */
    public enum Variant {
        /** N service nodes. */
        PLAIN,
        /** N-1 service nodes and a witness. */
        WITNESS,
        /** N service nodes with a fence device, and stops that hang or resist SIGKILL in the mix. */
        FENCING,
        /**
         * FENCING with no_quorum_policy freeze: a cut-off node keeps its services, and the majority starts them
         * only after fencing it.
         */
        FREEZE,
        /**
         * Two nodes in two_node mode with a fence device: a survivor holds what it runs, fences its peer
         * (the one with fewer groups first) and then carries the cluster log alone. Always 2 nodes.
         */
        TWO_NODE,
        /**
         * FENCING with web promotable: site runs on every node and is promoted on one, vip runs with the primary;
         * checked: never two primaries, and in the end one primary with a replica on every other node.
         */
        PROMOTABLE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final ResourceId VIP = ResourceId.of("vip");
    static final ResourceId SITE = ResourceId.of("site");
    private static final String[] FAULTS = {"crash", "isolate", "kill-service", "kill-daemon", "pause", "heal", "restart-all", "hung-stop",
        "move", "standby", "lossy", "maintenance", "one-way", "start-fails", "monitor-fails", "guard-dies", "config"};
    private static final haven.core.GroupId WEB = haven.core.GroupId.of("web");

    /** {@code violations} empty means the seed passed. */
    public record Result(long seed, int nodes, Variant variant, List<String> violations, List<String> trace, java.util.Set<SimProbe> probesReached) {
        public boolean passed() {
            return violations.isEmpty();
        }

        /** The violations of a safety rule (two active, an action without quorum, a lost change), not of liveness. */
        public List<String> safetyViolations() {
            return violations.stream().filter(v -> !v.startsWith(SimChecks.LIVENESS)).toList();
        }

        public String replay() {
            return "haven sim --first " + seed + " --seeds 1 --nodes " + nodes + " --variant " + variant.word() + " --trace";
        }
    }

    private SimRun() {}

    public static Result run(long seed, int nodes, Variant variant) {
        return run(seed, nodes, variant, Mutation.NONE);
    }

    public static Result run(long seed, int nodes, Variant variant, Mutation mutation) {
        if (variant == Variant.TWO_NODE) nodes = 2;
        else if (nodes < 3 || nodes > 9) throw new IllegalArgumentException("the simulation runs 3 to 9 nodes, not " + nodes);
        boolean witness = variant == Variant.WITNESS;
        Random r = new Random(seed * 31 + nodes * 7L + variant.ordinal());
        var timing = SimConfigs.drawTiming(r);
        var config = SimConfigs.withTiming(switch (variant) {
            case FENCING -> SimConfigs.fenced(nodes, false);
            // Half the seeds with notification rounds; a stream of its own, so the others draw what they drew before.
            case PROMOTABLE -> SimConfigs.promotable(nodes, new Random(seed * 104_729 + nodes).nextBoolean());
            case FREEZE -> SimConfigs.frozen(nodes);
            case TWO_NODE -> SimConfigs.pair();
            case PLAIN, WITNESS -> SimConfigs.web(nodes, witness);
        }, timing);
        // Half the fenced seeds have a second fence level (a PDU behind the first device), failing now and then
        // too: the real level walk then gives way from a failed level to the next. A stream of its own, as below.
        Random fencing = new Random(seed * 7919 + nodes * 13L + variant.ordinal());
        boolean secondLevel = config.fencing().isPresent() && fencing.nextBoolean();
        if (secondLevel) config = SimConfigs.withFenceLevels(config, 2);
        SimCluster c = new SimCluster(config, seed, mutation);
        int[] weights = faultMix(r, variant);
        int fenceFailPercent = variant == Variant.PLAIN || variant == Variant.WITNESS || r.nextInt(3) > 0 ? 0 : 10 + r.nextInt(30);
        c.agents.fenceFailPercent(fenceFailPercent);
        int secondFailPercent = secondLevel ? fencing.nextInt(40) : 0;
        c.agents.fenceFailPercent(SimConfigs.SECOND_FENCE_DEVICE, secondFailPercent);
        c.trace.add("0 fault mix " + describe(weights) + "; fence device fails " + fenceFailPercent + "%"
                + (secondLevel ? ", second level " + secondFailPercent + "%" : "") + "; timing " + SimConfigs.describe(timing));
        c.runUntil(4_000);
        int steps = 4 + r.nextInt(7);
        // The faults added since drawn from a stream of their own: a seed's earlier history stays as it was
        // wherever they do not strike, and the seeds kept in failed-seeds.txt still replay what they failed on.
        Random extra = new Random(seed * 131 + nodes * 17L + variant.ordinal() + 5);
        int killAtStartStep = extra.nextInt(3) == 0 ? extra.nextInt(steps) : -1;
        // The administrator's day-two controls, now and then between faults: a stream of their own too.
        Random dayTwo = new Random(seed * 6361 + nodes * 19L + variant.ordinal());
        for (int step = 0; step < steps; step++) {
            int i = 1 + r.nextInt(nodes);
            NodeId target = NodeId.of((witness && i == nodes ? "w" : "n") + i);
            if (step == killAtStartStep) c.killDaemonAtNextStart(anyServiceNode(extra, nodes, witness));
            switch (FAULTS[pick(r, weights)]) {
                case "crash" -> c.crash(target);
                case "isolate" -> isolateSome(c, r, nodes, witness);
                case "kill-service" -> c.killService(target, SITE);
                case "kill-daemon" -> c.killDaemon(target);
                // Now and then past the guard's hang limit, so that the guard kills the daemon.
                case "pause" -> c.pause(target, r.nextInt(5) == 0 ? 5_000 + r.nextInt(4_000) : 100 + r.nextInt(3_000));
                case "heal" -> c.heal();
                case "restart-all" -> c.restartAll();
                case "move" -> c.admin(target, new haven.cib.Command.Move(WEB, r.nextBoolean() ? java.util.Optional.of(anyServiceNode(r, nodes, witness))
                        : java.util.Optional.empty()));
                case "standby" -> c.admin(target, new haven.cib.Command.SetStandby(anyServiceNode(r, nodes, witness), r.nextBoolean()));
                case "lossy" -> c.degradeNetwork(5 + r.nextInt(36), r.nextInt(21), r.nextInt(150));
                case "maintenance" -> c.admin(target, new haven.cib.Command.SetMaintenance(r.nextBoolean(), "sim", c.now()));
                case "one-way" -> c.cutOneWay(target);
                case "start-fails" -> c.failStarts(target);
                case "monitor-fails" -> c.failMonitorOnce(target, r.nextBoolean() ? SITE : VIP);
                case "config" -> c.changeConfig(target);
                // Mostly within the link's restart budget; now and then past it, where the node must give up its
                // resources and its daemon leave (a node that cannot keep a guard must not keep resources).
                case "guard-dies" -> {
                    int times = 1 + r.nextInt(SimGuard.MAX_RESTARTS);
                    boolean pastBudget = extra.nextInt(6) == 0;
                    c.guardDies(target, pastBudget ? SimGuard.MAX_RESTARTS + 1 + extra.nextInt(3) : times, 50 + r.nextInt(450), !pastBudget);
                }
                default -> {
                    if (r.nextBoolean()) c.failStops(target); else c.failStopsAndForce(target);
                    c.killService(target, SITE);
                }
            }
            if (dayTwo.nextInt(4) == 0) dayTwo(c, dayTwo, target, nodes, witness, variant);
            c.runUntil(c.now() + 200 + r.nextInt(3_000));
        }
        c.heal();
        c.fixStarts();
        c.restartAll();
        c.runUntil(c.now() + 3_000);
        // The administrator undoes what was done by hand, and clears the failures that ban nodes (with two
        // nodes both are often banned by then), so every node may run the group again.
        for (int attempt = 0; attempt < 10 && (!c.committed().moves().isEmpty() || !c.committed().standby().isEmpty()
                || !c.committed().failures().isEmpty() || c.committed().maintenance().on() || handsOffOrDisabled(c)); attempt++) {
            // A fencing on its way when the faults ended may have powered nodes off since (in two_node both,
            // seed 99564): power them on, and send through a node that is up; a command that found no leader is
            // sent again on the next round.
            c.restartAll();
            java.util.Optional<NodeId> up = c.nodes().stream().filter(n -> c.host(n).up(c.now())).findFirst();
            if (up.isEmpty()) {
                c.runUntil(c.now() + 1_000);
                continue;
            }
            NodeId admin = up.get();
            if (!c.committed().moves().isEmpty()) c.admin(admin, new haven.cib.Command.Move(WEB, java.util.Optional.empty()));
            if (c.committed().maintenance().on()) c.admin(admin, new haven.cib.Command.SetMaintenance(false, "", c.now()));
            for (NodeId n : c.committed().standby()) c.admin(admin, new haven.cib.Command.SetStandby(n, false));
            for (NodeId n : c.committed().controls().nodeMaintenance()) c.admin(admin, new haven.cib.Command.SetNodeMaintenance(n, false));
            if (c.committed().controls().disabled().contains(WEB)) c.admin(admin, new haven.cib.Command.SetDisabled(WEB, false));
            if (c.committed().controls().unmanaged().contains(WEB)) c.admin(admin, new haven.cib.Command.SetManaged(WEB, true));
            if (!c.committed().failures().isEmpty()) {
                for (ResourceId res : List.of(VIP, SITE, ResourceId.of("db"))) c.admin(admin, new haven.cib.Command.Cleanup(res, java.util.Optional.empty()));
            }
            c.runUntil(c.now() + 1_000);
        }
        // A fencing already on its way when the faults ended may have powered off a node since: power it on.
        c.restartAll();
        c.runUntil(c.now() + 10_000);
        c.checks.converged();
        List<String> violations = new ArrayList<>(c.violations);
        if (variant == Variant.PROMOTABLE) {
            // A fencing that was on its way when the faults ended may have powered a node off meanwhile.
            java.util.Set<NodeId> up = new java.util.TreeSet<>(c.nodes().stream().filter(n -> c.host(n).up(c.now())).toList());
            if (c.checks.primaries(SITE).size() != 1 || !c.holders(VIP).equals(c.checks.primaries(SITE)) || !c.holders(SITE).equals(up)) {
                violations.add(SimChecks.LIVENESS + "10 s after every fault was healed, site runs on " + c.holders(SITE) + ", promoted on "
                        + c.checks.primaries(SITE) + ", and vip on " + c.holders(VIP) + " (expected site on every node that is up, " + up
                        + ", promoted on one, vip there)");
            }
        } else if (c.holders(SITE).size() != 1 || !c.holders(VIP).equals(c.holders(SITE))) {
            violations.add(SimChecks.LIVENESS + "10 s after every fault was healed, site runs on " + c.holders(SITE) + " and vip on "
                    + c.holders(VIP) + " (expected both on one node)");
        }
        ResourceId db = ResourceId.of("db");
        boolean dbConfigured = c.committedConfig().resource(db).isPresent();
        if (c.holders(db).size() != (dbConfigured ? 1 : 0)) {
            violations.add(SimChecks.LIVENESS + "10 s after every fault was healed, db runs on " + c.holders(db) + " (expected "
                    + (dbConfigured ? "one node" : "none: the committed config removed it") + ")");
        }
        return new Result(seed, nodes, variant, List.copyOf(violations), List.copyOf(c.trace), java.util.Set.copyOf(c.probes));
    }

    /**
     * One day-two control, as the API would let it through: disable or enable, unmanage or manage, restart (of a
     * plain group that is placed), a node's maintenance, a move with a lifetime.
     */
    private static void dayTwo(SimCluster c, Random r, NodeId via, int nodes, boolean witness, Variant variant) {
        var placed = c.committed().group(WEB).assigned();
        haven.cib.Command command = switch (r.nextInt(5)) {
            case 0 -> new haven.cib.Command.SetDisabled(WEB, r.nextInt(3) == 0);
            case 1 -> new haven.cib.Command.SetManaged(WEB, r.nextInt(3) > 0);
            case 2 -> variant == Variant.PROMOTABLE || placed.isEmpty() ? null : new haven.cib.Command.Restart(WEB, placed);
            case 3 -> new haven.cib.Command.SetNodeMaintenance(anyServiceNode(r, nodes, witness), r.nextInt(3) == 0);
            default -> new haven.cib.Command.Move(WEB, java.util.Optional.of(anyServiceNode(r, nodes, witness)),
                    java.util.Optional.of(SimClock.EPOCH_MS + c.now() + 500 + r.nextInt(3_000)));
        };
        if (command != null) c.admin(via, command);
    }

    private static boolean handsOffOrDisabled(SimCluster c) {
        var controls = c.committed().controls();
        return !controls.nodeMaintenance().isEmpty() || !controls.disabled().isEmpty() || !controls.unmanaged().isEmpty();
    }

    private static NodeId anyServiceNode(Random r, int nodes, boolean witness) {
        return NodeId.of("n" + (1 + r.nextInt(witness ? nodes - 1 : nodes)));
    }

    /** Each seed weighs the faults differently, so a batch covers mixes no fixed mix would. */
    private static int[] faultMix(Random r, Variant variant) {
        int[] w = new int[FAULTS.length];
        for (int i = 0; i < w.length; i++) w[i] = r.nextInt(5);
        w[5] = 1 + w[5]; // heal: always possible, or partitions never end
        if (variant == Variant.PLAIN || variant == Variant.WITNESS) w[7] = 0;
        return w;
    }

    private static String describe(int[] w) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < w.length; i++) if (w[i] > 0) parts.add(FAULTS[i] + "=" + w[i]);
        return String.join(" ", parts);
    }

    private static int pick(Random r, int[] weights) {
        int total = 0;
        for (int w : weights) total += w;
        int x = r.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.length - 1;
    }

    /** A partition of any shape: every node lands in one of up to three parts. */
    private static void isolateSome(SimCluster c, Random r, int nodes, boolean witness) {
        int parts = 2 + r.nextInt(2);
        for (int i = 1; i <= nodes; i++) {
            NodeId n = NodeId.of((witness && i == nodes ? "w" : "n") + i);
            int part = r.nextInt(parts);
            if (part != 0) c.isolate(n, part);
        }
    }
}
