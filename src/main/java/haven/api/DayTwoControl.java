package haven.api;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.GroupConfig;
import haven.core.Durations;
import haven.core.NodeId;
import haven.node.NodeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The day-two writes on a group: disable / enable, restart, unmanage / manage, and a move's lifetime
 * ({@code for=30m}), each refused with the reason and the fix when it would mean nothing now. A write names a
 * resource or a group and always acts on the whole group, as a move does.
 *
 * <pre>
 * POST /ha/resources/R/disable | enable | restart | unmanage | manage
 * PUT /ha/nodes/N/maintenance  body on | off
 * </pre>
 */
final class DayTwoControl {
    /** The longest lifetime a move may be given: past a week it is a placement rule, which belongs in the config. */
    static final Duration LONGEST_MOVE = Duration.ofDays(7);

    private DayTwoControl() {}

    /** The group action for {@code verb} ("POST disable", ...), or empty when it is not one of these. */
    static Optional<Control.Action> group(NodeStatus s, String verb, GroupConfig g) {
        ClusterState state = s.state();
        String name = g.id().name();
        String members = g.members().size() == 1 && g.members().get(0).name().equals(name) ? ""
                : " (" + String.join(", ", g.members().stream().map(r -> r.name()).toList()) + ")";
        return Optional.ofNullable(switch (verb) {
            case "POST disable" -> new Control.Action(List.of(new Command.SetDisabled(g.id(), true)),
                    "ok: group " + name + members + " is disabled: it stops everywhere (what starts after it first) and stays stopped"
                            + " until `haven resource enable " + name + "`");
            case "POST enable" -> new Control.Action(List.of(new Command.SetDisabled(g.id(), false)),
                    "ok: group " + name + members + " is enabled: it may run again");
            case "POST unmanage" -> new Control.Action(List.of(new Command.SetManaged(g.id(), false)),
                    "ok: group " + name + members + " is unmanaged: haven monitors it and starts, stops, recovers and moves"
                            + " nothing of it until `haven resource manage " + name + "`");
            case "POST manage" -> new Control.Action(List.of(new Command.SetManaged(g.id(), true)),
                    "ok: group " + name + members + " is managed again: its resources are probed, then reconciled to the cluster state");
            case "POST restart" -> restart(s, state, g, members);
            default -> null;
        });
    }

    private static Control.Action restart(NodeStatus s, ClusterState state, GroupConfig g, String members) {
        String name = g.id().name();
        if (g.isPromotable()) {
            throw ApiError.conflict(name + " is promotable: restarting every copy at once would take its data offline; move its"
                    + " primary (`haven resource move " + name + " NODE`) or restart one node's copy by putting the node in standby");
        }
        if (state.controls().unmanaged().contains(g.id())) {
            throw ApiError.conflict(name + " is unmanaged, so haven restarts nothing of it; `haven resource manage " + name + "` first");
        }
        if (state.controls().disabled().contains(g.id())) {
            throw ApiError.conflict(name + " is disabled, so there is nothing to restart; `haven resource enable " + name + "` starts it");
        }
        if (state.controls().restarting().containsKey(g.id())) {
            throw ApiError.conflict(name + " is being restarted already (back on " + state.controls().restarting().get(g.id()) + ")");
        }
        // A clone's instances all stop, then start again where the scheduler places them, as at a first start; the node
        // named is only where the restart is said to begin.
        Optional<NodeId> at = g.isClone() ? state.group(g.id()).instances().stream().findFirst() : state.group(g.id()).assigned();
        if (at.isEmpty()) {
            throw ApiError.conflict(name + " runs nowhere now, so there is nothing to restart; `haven why " + name + "` says why");
        }
        if (state.controls().nodeMaintenance().contains(at.get())) {
            throw ApiError.conflict(at.get() + " is in maintenance, so haven restarts nothing there; `haven node maintenance " + at.get()
                    + " off` first");
        }
        if (g.isClone()) {
            return new Control.Action(List.of(new Command.Restart(g.id(), at)), "ok: clone " + name + members + " restarts: every"
                    + " instance stops (what starts after it first), then instances start again");
        }
        return new Control.Action(List.of(new Command.Restart(g.id(), at)), "ok: group " + name + members + " restarts: it stops on "
                + at.get() + " (what starts after it first) and starts there again");
    }

    /**
     * A move to a node the group does not fit on would be recorded and never carried out (the scheduler places nothing
     * past a capacity): refused instead, with what is free there.
     */
    static void checkFits(NodeStatus s, GroupConfig g, NodeId n) {
        haven.scheduler.Utilization.shortfall(s.config(), s.state(), g, n).ifPresent(x -> {
            throw ApiError.conflict(g.id() + " needs " + x.unit() + " " + x.need() + " and " + n + " has " + x.free() + " free of " + x.has()
                    + "; move it to a node with room (`haven status` shows each node's capacity and use), or free some there first");
        });
    }

    /** The end of a move given {@code for}, from now; refused when it is not a duration or is out of range. */
    static long moveUntil(String forText, String name, long nowEpochMs) {
        Duration d;
        try {
            d = Durations.parse(forText);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("for=" + forText + ": " + e.getMessage());
        }
        if (d.isZero() || d.compareTo(LONGEST_MOVE) > 0) {
            throw ApiError.badRequest("for=" + forText + ": a move lasts from 1s to 7 days (168h); for longer, prefer the node in"
                    + " the group's config, or move without `for` and clear it by hand (`haven resource clear " + name + "`)");
        }
        return nowEpochMs + d.toMillis();
    }

    static String until(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString().replaceFirst("\\.\\d+Z$", "Z");
    }

    /** {@code PUT /ha/nodes/N/maintenance} with on or off. */
    static Control.Action nodeMaintenance(NodeStatus s, NodeId n, String method, String body) {
        if (!method.equals("PUT") && !method.equals("POST")) {
            throw new ApiError(405, method + " /ha/nodes/" + n + "/maintenance is not an action; PUT it with the body 'on' or 'off'");
        }
        boolean on = switch (body.toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes", "1" -> true;
            case "off", "false", "no", "0" -> false;
            default -> throw ApiError.badRequest("PUT /ha/nodes/" + n + "/maintenance takes the body 'on' or 'off', not '" + body + "'");
        };
        if (s.config().node(n).orElseThrow().isWitness()) {
            throw ApiError.conflict(n + " is a witness: it runs no resources, so maintenance means nothing for it");
        }
        return new Control.Action(List.of(new Command.SetNodeMaintenance(n, on)), on
                ? "ok: " + n + " is in maintenance: haven starts, stops and recovers nothing there and places nothing new there;"
                        + " its groups stay where they are until `haven node maintenance " + n + " off`"
                : "ok: " + n + " is out of maintenance: its resources are probed, then reconciled to the cluster state");
    }
}
