package haven.config;

import haven.config.fence.FencingTopology;
import java.util.List;

/**
 * The quorum settings that are safe only with fencing. In two_node mode either node may become the survivor,
 * and after a cut link both would think themselves it; only fencing the peer first makes a takeover safe.
 * With {@code no_quorum_policy: freeze} a node cut off from the majority keeps running its services, so the
 * majority may start them only after powering that node off.
 */
final class FencingRules {
    static final String WHY_FENCING = "a two-node cluster cannot tell a dead peer from a cut link; only fencing "
            + "makes the survivor's takeover safe";

    static final String WHY_FREEZE = "with freeze, a node cut off from the majority keeps its services running; the "
            + "majority starts them elsewhere only after fencing that node";

    private FencingRules() {}

    static void check(QuorumSection.Result quorum, List<NodeConfig> nodes, FencingSection.Result fencing,
                      Problems problems) {
        checkTwoNode(quorum, nodes, fencing, problems);
        checkFreeze(quorum, nodes, fencing, problems);
    }

    private static void checkFreeze(QuorumSection.Result quorum, List<NodeConfig> nodes, FencingSection.Result fencing,
                                    Problems problems) {
        if (quorum.twoNode() || quorum.quorum().map(q -> q.noQuorumPolicy() != Quorum.NoQuorumPolicy.FREEZE).orElse(true)) {
            return; // two_node holds its services in the fence race whatever the policy says
        }
        Fields f = quorum.fields().orElseThrow();
        Place at = f.valuePlace("no_quorum_policy");
        String what = f.key("no_quorum_policy") + " freeze";
        List<String> service = nodes.stream().filter(n -> !n.isWitness()).map(n -> n.id().name()).toList();
        if (!fencing.written()) {
            problems.add(at, what + " needs fencing, and the file has no fencing section",
                    WHY_FREEZE + ": add fencing: with a device for each of " + String.join(", ", service)
                            + ", or use no_quorum_policy: stop");
            return;
        }
        fencing.topology().ifPresent(t -> service.stream().filter(n -> !t.canFence(n)).findFirst().ifPresent(n ->
                problems.add(at, what + " needs fencing for every node, and no fence device lists " + n,
                        WHY_FREEZE + ": add " + n + " to the hosts of a fence device")));
    }

    private static void checkTwoNode(QuorumSection.Result quorum, List<NodeConfig> nodes, FencingSection.Result fencing,
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
