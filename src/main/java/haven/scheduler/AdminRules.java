package haven.scheduler;

import haven.cib.AdminControls;
import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the administrator's day-two controls ({@link AdminControls}) mean for a plan: a move whose lifetime ran out
 * is cleared; a group haven keeps its hands off (unmanaged, or on a node in maintenance) stays as it is; a disabled
 * group stops; a restarting group stops, then comes back on the node it ran on.
 */
final class AdminRules {
    private AdminRules() {}

    /** The moves whose lifetime ended by {@code nowEpochMs}: the coordinator clears them, so the timeline shows when. */
    static List<Command> expiredMoves(ClusterState state, long nowEpochMs) {
        List<Command> out = new ArrayList<>();
        for (Map.Entry<GroupId, Long> e : state.controls().moveUntil().entrySet()) {
            if (e.getValue() <= nowEpochMs) out.add(new Command.Move(e.getKey(), Optional.empty(), Optional.of(e.getValue())));
        }
        return out;
    }

    /** Why the plan leaves {@code group} exactly as it is, if haven keeps its hands off it. */
    static Optional<Explanation> handsOff(GroupConfig group, GroupState gs, AdminControls controls) {
        if (!controls.handsOff(group.id(), gs.assigned())) return Optional.empty();
        String where = gs.assigned().map(n -> "stays on " + n).orElse("stays unplaced");
        String why = controls.unmanaged().contains(group.id())
                ? "unmanaged: haven monitors it and starts, stops, recovers and moves nothing (`haven resource manage " + group.id()
                        + "` hands it back)"
                : gs.assigned().get() + " is in maintenance: its resources are left alone (`haven node maintenance " + gs.assigned().get()
                        + " off` ends it)";
        return Optional.of(new Explanation(gs.assigned(), where + ": " + why, List.of()));
    }

    static boolean disabled(GroupConfig group, AdminControls controls) {
        return controls.disabled().contains(group.id());
    }

    /** Why {@code group} must not run now by an administrator's word: disabled, or a restart stopping it. */
    static Optional<String> mustNotRun(GroupConfig group, GroupState gs, AdminControls controls) {
        if (disabled(group, controls)) {
            return Optional.of("disabled by an administrator; `haven resource enable " + group.id() + "` lets it run");
        }
        NodeId backOn = controls.restarting().get(group.id());
        if (backOn != null && (gs.assigned().isPresent() || !gs.mayBeActive().isEmpty())) {
            return Optional.of("restart requested by an administrator; it starts on " + backOn + " again once stopped");
        }
        return Optional.empty();
    }

    /** A group kept from running, as `haven why` says it: stopped when disabled, else waiting for {@code blocked}. */
    static String blockedDecision(GroupConfig group, AdminControls controls, String blocked) {
        return (disabled(group, controls) ? "stopped: " : "waiting: ") + blocked;
    }

    /** Where a restarted group starts again, once stopped everywhere. */
    static Optional<NodeId> restartTarget(GroupConfig group, AdminControls controls) {
        return Optional.ofNullable(controls.restarting().get(group.id()));
    }
}
