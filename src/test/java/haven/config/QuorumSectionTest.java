package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuorumSectionTest {
    /** Lines 1-6: two nodes, which only two_node mode allows. */
    private static final String TWO = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }
              - { name: n2, address: 10.0.0.2 }
            """;
    /** Lines 9-11: one device that can fence both n1 and n2. */
    private static final String FENCE_BOTH = """
            fencing:
              devices:
                - { name: ipmi, agent: fence_ipmilan, params: { ip: 10.0.0.201 }, hosts: { n1: "1", n2: "2" } }
            """;

    @Test
    void withoutTheSectionTheQuorumIsAMajorityAndStops() throws Exception {
        ClusterConfig c = valid(HEAD);
        assertThat(c.quorum()).isEqualTo(Quorum.DEFAULT);
        assertThat(c.quorum()).isEqualTo(new Quorum(Quorum.Mode.MAJORITY, false, Quorum.NoQuorumPolicy.STOP, List.of()));
        assertThat(c.fencing()).isEmpty();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        ClusterConfig c = valid(HEAD + """
                quorum:
                  mode: majority
                  wait_for_all: true
                  no_quorum_policy: freeze
                  ping_nodes: [10.0.0.254, 10.0.0.253]
                fencing:
                  devices:
                    - { name: ipmi, agent: fence_ipmilan, params: { ip: 10.0.0.201 }, hosts: { n1: "1" } }
                """);
        assertThat(c.quorum()).isEqualTo(new Quorum(Quorum.Mode.MAJORITY, true, Quorum.NoQuorumPolicy.FREEZE,
                List.of("10.0.0.254", "10.0.0.253")));
    }

    @Test
    void twoNodeModeAllowsTwoNodesAndWaitsForAllByDefault() throws Exception {
        ClusterConfig c = valid(TWO + "quorum:\n  mode: two_node\n" + FENCE_BOTH);
        assertThat(c.quorum()).isEqualTo(new Quorum(Quorum.Mode.TWO_NODE, true, Quorum.NoQuorumPolicy.STOP, List.of()));
        assertThat(c.serviceNodeIds()).containsExactly(NodeId.of("n1"), NodeId.of("n2"));
        assertThat(valid(TWO + "quorum:\n  mode: two_node\n  wait_for_all: false\n" + FENCE_BOTH).quorum().waitForAll())
                .isFalse();
    }

    @Test
    void thePriorityFenceDelayIsReadAndDefaultsToFiveSeconds() throws Exception {
        assertThat(valid(TWO + "quorum:\n  mode: two_node\n" + FENCE_BOTH).quorum().priorityFenceDelay())
                .isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(valid(TWO + "quorum:\n  mode: two_node\n  priority_fence_delay: 12s\n" + FENCE_BOTH).quorum()
                .priorityFenceDelay()).isEqualTo(java.time.Duration.ofSeconds(12));
        onlyProblem(TWO + "quorum:\n  mode: two_node\n  priority_fence_delay: soon\n" + FENCE_BOTH, 9, 25,
                "quorum.priority_fence_delay 'soon' is not a duration");
    }

    @Test
    void freezeNeedsAFenceDeviceForEveryNode() throws Exception {
        String three = TWO + "  - { name: n3, address: 10.0.0.3 }\nquorum:\n  no_quorum_policy: freeze\n";
        ConfigProblem none = onlyProblem(three, 9, 21,
                "quorum.no_quorum_policy freeze needs fencing, and the file has no fencing section");
        assertThat(none.hint()).contains("only after fencing that node");
        onlyProblem(three + FENCE_BOTH, 9, 21, "no fence device lists n3");
        valid(three + FENCE_BOTH.replace("n2: \"2\" }", "n2: \"2\", n3: \"3\" }"));
    }

    @Test
    void aMisspeltModeNamesTheModes() {
        ConfigProblem p = onlyProblem(HEAD + "quorum:\n  mode: two-node\n", 8, 9,
                "quorum.mode 'two-node' is not one of majority, two_node");
        assertThat(p.hint()).contains("did you mean 'two_node'?");
    }

    @Test
    void aMisspeltModeDoesNotAlsoBlameTheTwoNodes() {
        onlyProblem(TWO + "quorum:\n  mode: twonode\n", 8, 9, "quorum.mode 'twonode'");
    }

    @Test
    void anUnknownPolicyNamesThePolicies() {
        ConfigProblem p = onlyProblem(HEAD + "quorum:\n  no_quorum_policy: suicide\n", 8, 21,
                "quorum.no_quorum_policy 'suicide' is not one of stop, freeze, ignore");
        assertThat(p.hint()).contains("stop is the default");
    }

    @Test
    void waitForAllIsTrueOrFalse() {
        onlyProblem(HEAD + "quorum:\n  wait_for_all: always\n", 8, 17, "quorum.wait_for_all must be true or false");
    }

    @Test
    void aPingNodeMustBeAnIpv4HostAddress() {
        onlyProblem(HEAD + "quorum:\n  ping_nodes: [10.0.0.254, 10.0.0.300]\n", 8, 28,
                "quorum.ping_nodes entry '10.0.0.300' has a number above 255");
        onlyProblem(HEAD + "quorum:\n  ping_nodes: [router.lan]\n", 8, 16, "'router.lan' is not an IPv4 address");
        onlyProblem(HEAD + "quorum:\n  ping_nodes: [255.255.255.255]\n", 8, 16, "not a host's address");
    }

    @Test
    void aPingNodeIsListedOnce() {
        onlyProblem(HEAD + "quorum:\n  ping_nodes: [10.0.0.254, 10.0.0.254]\n", 8, 28,
                "quorum.ping_nodes entry 10.0.0.254 is used twice", "line 8");
    }

    @Test
    void aNodeIsNotItsOwnPingNode() {
        ConfigProblem p = onlyProblem(HEAD + "quorum:\n  ping_nodes: [10.0.0.254, 10.0.0.1]\n", 8, 28,
                "quorum.ping_nodes entry 10.0.0.1 is the address of node n1");
        assertThat(p.hint()).contains("outside the cluster");
    }

    @Test
    void twoNodeModeNeedsExactlyTwoNodes() {
        ConfigProblem p = onlyProblem(TWO + "  - { name: n3, address: 10.0.0.3 }\nquorum:\n  mode: two_node\n", 9, 9,
                "quorum.mode two_node needs exactly 2 nodes, and nodes lists 3");
        assertThat(p.hint()).contains("mode: majority");
    }

    @Test
    void twoNodeModeDoesNotGoWithAWitness() {
        ConfigProblem p = onlyProblem(TWO + "  - { name: w, address: 10.0.0.9, role: witness }\nquorum:\n  mode: two_node\n",
                9, 9, "quorum.mode two_node does not go with a witness (w)");
        assertThat(p.hint()).contains("with a witness, use mode: majority: the witness is the third vote");
    }

    @Test
    void twoNodeModeNeedsFencing() {
        ConfigProblem p = onlyProblem(TWO + "quorum:\n  mode: two_node\n", 8, 9,
                "quorum.mode two_node needs fencing, and the file has no fencing section");
        assertThat(p.hint()).contains("a two-node cluster cannot tell a dead peer from a cut link; only fencing makes "
                + "the survivor's takeover safe").contains("n1 and n2");
    }

    @Test
    void twoNodeModeNeedsFencingForBothNodes() {
        ConfigProblem p = onlyProblem(TWO + """
                quorum:
                  mode: two_node
                fencing:
                  devices:
                    - { name: ipmi-n1, agent: fence_ipmilan, hosts: [n1] }
                """, 8, 9, "quorum.mode two_node needs fencing for both nodes, and no fence device lists n2");
        assertThat(p.hint()).contains("cannot tell a dead peer from a cut link").contains("add n2 to the hosts");
    }

    @Test
    void aBrokenFencingSectionIsReportedOnceNotAgainAsMissingFencing() {
        onlyProblem(TWO + "quorum:\n  mode: two_node\nfencing:\n  devices:\n    - { name: ipmi, agent: fence_ipmilan, hosts: [n1, n2], timeout: 0s }\n",
                11, 69, "fencing.devices[ipmi].timeout must be longer than zero");
    }

    @Test
    void twoNodesWithoutTwoNodeModeStillPointToIt() {
        ConfigProblem p = onlyProblem(TWO, 4, 1, "nodes lists exactly 2 nodes");
        assertThat(p.hint()).contains("quorum: { mode: two_node }");
    }
}
