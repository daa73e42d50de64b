package haven.node;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The promotion scores this node's agents set (crm_master), brought into the cluster log: a promotable group's
 * score here is its first promoted member's that has one, reported when the committed one differs. Re-derived
 * whenever the outbox is idle, so a failed proposal is simply made again, and a committed one is not made twice.
 */
final class ScoreReports {
    private final NodeId self;
    private final Outbox outbox;
    /** What each promoted member's agent last set here (absent: none set). */
    private final Map<ResourceId, Long> scores = new TreeMap<>();

    ScoreReports(NodeId self, Outbox outbox) {
        this.self = self;
        this.outbox = outbox;
    }

    void set(NodeEvent.ScoreSet s) {
        s.score().ifPresentOrElse(v -> scores.put(s.resource(), v), () -> scores.remove(s.resource()));
    }

    void report(ClusterConfig config, ClusterState state, long nowMs) {
        // A report committed but not yet in this state would be made twice: wait until the state has caught up.
        if (!outbox.idle(nowMs, state.version())) return;
        for (GroupConfig g : config.groups()) {
            if (!g.isPromotable()) continue;
            GroupState gs = state.group(g.id());
            if (!gs.instances().contains(self)) continue;
            Optional<Long> mine = g.replicaMembers().stream().map(scores::get).filter(Objects::nonNull).findFirst();
            if (mine.equals(Optional.ofNullable(gs.scores().get(self)))) continue;
            Command.PromotionScore report = new Command.PromotionScore(g.id(), self, mine);
            if (!outbox.holds(report)) outbox.add(List.of(report));
        }
    }
}
