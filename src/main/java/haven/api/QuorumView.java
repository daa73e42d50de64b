package haven.api;

import haven.config.Quorum;
import haven.core.NodeId;
import haven.node.NodeStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /ha/quorum: whether this node's partition may act, and the votes behind it, for applications that must
 * not act without quorum either. {@code quorate} is the node's own verdict (it includes the lease and, in
 * two_node mode, the fencing rules); the vote counts explain it.
 */
final class QuorumView {
    private QuorumView() {}

    static Map<String, Object> of(NodeStatus s) {
        List<NodeId> voters = s.config().nodeIds();
        Quorum q = s.config().quorum();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quorate", s.quorate());
        m.put("mode", q.mode().word());
        m.put("expected_votes", voters.size());
        m.put("votes", s.members().stream().filter(voters::contains).count());
        m.put("needed", q.mode() == Quorum.Mode.TWO_NODE ? 1 : voters.size() / 2 + 1);
        m.put("members", s.members().stream().map(NodeId::name).sorted().toList());
        m.put("voters", voters.stream().map(NodeId::name).toList());
        m.put("no_quorum_policy", q.noQuorumPolicy().word());
        m.put("wait_for_all", q.waitForAll());
        return m;
    }
}
