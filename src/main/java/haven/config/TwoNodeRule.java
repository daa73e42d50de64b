package haven.config;

import haven.fencing.FencingTopology;
import java.util.List;

/**
 * What {@code quorum.mode: two_node} demands. In two_node mode either node alone has quorum, so after a cut
 * link both would think themselves the survivor; only fencing the peer first makes a takeover safe.
 */
final class TwoNodeRule {
    static final String WHY_FENCING = "a two-node cluster cannot tell a dead peer from a cut link; only fencing "
            + "makes the survivor's takeover safe";

    private TwoNodeRule() {}

    static void check(QuorumSection.Result quorum, List<NodeConfig> nodes, FencingSection.Result fencing,
                      Problems problems) {
        if (!quorum.twoNode()) {
            return;
        }
        Fields f = quorum.fields().orElseThrow();
        Place at = f.valuePlace("mode");
        String what = f.key("mode") + " two_node";
        List<NodeConfig> witnesses = nodes.stream().filter(NodeConfig::isWitness).toList();
        List<String> service = nodes.stream().filter(n -> !n.isWitness()).map(n -> n.id().name()).toList();
        if (!witnesses.isEmpty()) {
            problems.add(at, what + " does not go with a witness (" + witnesses.get(0).id() + ")",
                    "with a witness, use mode: majority: the witness is the third vote, and either node with it "
                            + "has a majority");
            return;
        }
        if (service.size() != 2) {
            problems.add(at, what + " needs exactly 2 nodes, and nodes lists " + service.size(),
                    service.size() > 2 ? "use mode: majority (the default) for three or more nodes"
                            : "list the second node, or remove quorum.mode for a single node");
            return;
        }
        if (!fencing.written()) {
            problems.add(at, what + " needs fencing, and the file has no fencing section",
                    WHY_FENCING + ": add fencing: with a device that can power off each of " + String.join(" and ",
                            service));
            return;
        }
        // A broken fencing section is reported on its own; judging what it could fence would only guess.
        fencing.topology().ifPresent(t -> requireFenceable(t, service, at, what, problems));
    }

    private static void requireFenceable(FencingTopology topology, List<String> service, Place at, String what,
                                         Problems problems) {
        for (String node : service) {
            if (!topology.canFence(node)) {
                problems.add(at, what + " needs fencing for both nodes, and no fence device lists " + node,
                        WHY_FENCING + ": add " + node + " to the hosts of a fence device");
            }
        }
    }
}
