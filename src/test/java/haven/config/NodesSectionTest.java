package haven.config;

import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import org.junit.jupiter.api.Test;

class NodesSectionTest {
    private static final String CLUSTER = "cluster:\n  name: lab\n  key: \"0123456789abcdef\"\n";

    @Test
    void nodesMissing() {
        onlyProblem(CLUSTER, 1, 1, "nodes is missing");
    }

    @Test
    void nodesEmpty() {
        onlyProblem(CLUSTER + "nodes: []\n", 4, 8, "nodes is empty");
    }

    @Test
    void exactlyTwoNodesCannotKeepAMajority() {
        ConfigProblem p = onlyProblem(CLUSTER + """
                nodes:
                  - name: n1
                    address: 10.0.0.1
                  - name: n2
                    address: 10.0.0.2
                """, 4, 1, "nodes lists exactly 2 nodes", "majority");
        assertThat(p.hint()).contains("role: witness").contains("or a third node");
    }

    @Test
    void twoNodesAndAWitnessMakeAValidClusterAndNoGroupMayPreferTheWitness() throws Exception {
        String nodes = CLUSTER + """
                nodes:
                  - { name: n1, address: 10.0.0.1 }
                  - { name: n2, address: 10.0.0.2 }
                  - { name: w, address: 10.0.0.9, role: witness }
                resources:
                  - { name: vip, type: ipaddr, params: { address: 10.0.0.100/24 } }
                """;
        ClusterConfig c = valid(nodes);
        assertThat(c.node(NodeId.of("w")).orElseThrow().isWitness()).isTrue();
        assertThat(c.node(NodeId.of("n1")).orElseThrow().role()).isEqualTo(NodeConfig.Role.NODE);
        assertThat(c.majority()).isEqualTo(2);
        onlyProblem(nodes + "groups:\n  - { name: web, members: [vip], prefer: w }\n", 11, 42, "groups[web].prefer 'w' is a witness");
        onlyProblem(CLUSTER + """
                nodes:
                  - { name: n1, address: 10.0.0.1 }
                  - { name: n2, address: 10.0.0.2 }
                  - { name: w, address: 10.0.0.9, role: witness }
                haresources:
                  - "w ipaddr:10.0.0.100/24"
                """, 9, 5, "starts with 'w', a witness");
    }

    @Test
    void aReplicationAddressIsTheDataAddressAndTheClusterAddressStandsInWithoutOne() throws Exception {
        ClusterConfig c = valid(CLUSTER + """
                nodes:
                  - { name: n1, address: 10.0.0.1, replication_address: 192.168.50.1 }
                  - { name: n2, address: 10.0.0.2, replication_address: 192.168.50.2 }
                  - { name: n3, address: 10.0.0.3 }
                """);
        assertThat(c.node(NodeId.of("n1")).orElseThrow().replicationAddress()).contains("192.168.50.1");
        assertThat(c.node(NodeId.of("n1")).orElseThrow().dataAddress()).isEqualTo("192.168.50.1");
        assertThat(c.node(NodeId.of("n3")).orElseThrow().dataAddress()).isEqualTo("10.0.0.3");
    }

    @Test
    void aReplicationAddressIsAnotherAddressOfThatNodeAlone() {
        String head = CLUSTER + "nodes:\n  - { name: n1, address: 10.0.0.1 }\n  - { name: n2, address: 10.0.0.2 }\n";
        assertThat(Check.problems(head + "  - { name: n3, address: 10.0.0.3, replication_address: 10.0.0.3 }\n").get(0).message())
                .contains("nodes[n3].replication_address 10.0.0.3 is used twice");
        assertThat(Check.problems(head + "  - { name: n3, address: 10.0.0.3, replication_address: 10.0.0.2 }\n").get(0).message())
                .contains("replication_address 10.0.0.2 is used twice");
        ConfigProblem bad = Check.problems(head + "  - { name: n3, address: 10.0.0.3, replication_address: 10.0.0.300 }\n").get(0);
        assertThat(bad.message()).contains("nodes[n3].replication_address '10.0.0.300'");
        assertThat(bad.hint()).contains("address on the replication network");
        assertThat(Check.problems(head + "  - { name: w, address: 10.0.0.9, role: witness, replication_address: 10.1.0.9 }\n")
                .get(0).message()).contains("a witness holds no data to replicate");
    }

    @Test
    void anUnknownRoleIsNamedWithTheRolesThatExist() {
        ConfigProblem p = onlyProblem(CLUSTER + """
                nodes:
                  - { name: n1, address: 10.0.0.1 }
                  - { name: n2, address: 10.0.0.2 }
                  - { name: w, address: 10.0.0.9, role: arbiter }
                """, 7, 41, "nodes[w].role 'arbiter' is not a role");
        assertThat(p.hint()).contains("role: witness");
    }

    @Test
    void aClusterOfWitnessesAloneIsRefused() {
        onlyProblem(CLUSTER + """
                nodes:
                  - { name: a, address: 10.0.0.1, role: witness }
                  - { name: b, address: 10.0.0.2, role: witness }
                  - { name: c, address: 10.0.0.3, role: witness }
                """, 4, 1, "every node is a witness");
    }

    @Test
    void duplicateNodeName() {
        onlyProblem(CLUSTER + """
                nodes:
                  - name: n1
                    address: 10.0.0.1
                  - name: n2
                    address: 10.0.0.2
                  - name: n1
                    address: 10.0.0.3
                """, 9, 11, "nodes[n1].name 'n1' is used twice", "line 5");
    }

    @Test
    void duplicateNodeAddress() {
        onlyProblem(CLUSTER + """
                nodes:
                  - name: n1
                    address: 10.0.0.1
                  - name: n2
                    address: 10.0.0.2
                  - name: n3
                    address: 10.0.0.1
                """, 10, 14, "nodes[n3].address 10.0.0.1 is used twice", "line 6");
    }

    @Test
    void badNodeAddressIsOneProblemAtTheValue() {
        ConfigProblem p = onlyProblem(CLUSTER + "nodes:\n  - name: n1\n    address: 10.0.0.256\n", 6, 14,
                "nodes[n1].address '10.0.0.256'", "above 255");
        assertThat(p.hint()).contains("10.0.0.1");
    }

    @Test
    void hostnameIsNotAnAddress() {
        onlyProblem(CLUSTER + "nodes:\n  - name: n1\n    address: node1.example.com\n", 6, 14,
                "nodes[n1].address 'node1.example.com' is not an IPv4 address");
    }

    @Test
    void leadingZeroIsRejected() {
        onlyProblem(CLUSTER + "nodes:\n  - name: n1\n    address: 10.0.0.010\n", 6, 14, "leading zero");
    }

    @Test
    void wildcardAddressIsNotANodeAddress() {
        onlyProblem(CLUSTER + "nodes:\n  - name: n1\n    address: 0.0.0.0\n", 6, 14, "names no host");
    }

    @Test
    void badNodeNameIsNamedByPosition() {
        onlyProblem(CLUSTER + "nodes:\n  - name: 1st\n    address: 10.0.0.1\n", 5, 11,
                "nodes[#1].name '1st' is not a valid node name");
    }

    @Test
    void nodeWithoutAddress() {
        onlyProblem(CLUSTER + "nodes:\n  - name: n1\n", 5, 5, "nodes[n1].address is missing");
    }

    @Test
    void nodeThatIsNotAMapping() {
        onlyProblem(CLUSTER + "nodes:\n  - n1\n", 5, 5, "nodes[#1] must be a mapping");
    }

    @Test
    void threeNodesInFileOrder() throws Exception {
        ClusterConfig c = valid(CLUSTER + """
                nodes:
                  - { name: n1, address: 10.0.0.1 }
                  - { name: n2, address: 10.0.0.2 }
                  - { name: n3, address: 10.0.0.3 }
                """);
        assertThat(c.nodeIds()).containsExactly(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"));
        assertThat(c.node(NodeId.of("n2")).orElseThrow().address()).isEqualTo("10.0.0.2");
        assertThat(c.majority()).isEqualTo(2);
    }
}
