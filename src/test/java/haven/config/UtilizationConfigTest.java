package haven.config;

import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.GroupId;
import haven.core.NodeId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Node capacities, group needs and the placement strategy in the config: what is read, and each mistake with its place. */
class UtilizationConfigTest {
    /** Lines 1-17: two nodes with capacities, a witness, one resource; groups follow on line 18. */
    private static final String BASE = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - name: n1
                address: 10.0.0.1
                capacity: { cpu: 8, memory_mb: 16384 }
              - name: n2
                address: 10.0.0.2
                capacity: { cpu: 4 }
              - { name: w, address: 10.0.0.4, role: witness }
            resources:
              - name: a
                type: process
                params: { command: /bin/a }
            policy: { strategy: balanced }
            groups:
            """;

    @Test
    void readsCapacitiesNeedsAndTheStrategy() throws ConfigException {
        ClusterConfig c = valid(BASE + "  - { name: g, members: [a], needs: { cpu: 2, memory_mb: 2048 } }\n");
        assertThat(c.node(NodeId.of("n1")).orElseThrow().capacity()).isEqualTo(Map.of("cpu", 8L, "memory_mb", 16384L));
        assertThat(c.node(NodeId.of("n2")).orElseThrow().capacity()).isEqualTo(Map.of("cpu", 4L));
        assertThat(c.group(GroupId.of("g")).orElseThrow().placement().needs()).isEqualTo(Map.of("cpu", 2L, "memory_mb", 2048L));
        assertThat(c.policy().strategy()).isEqualTo(Policy.Strategy.BALANCED);
    }

    @Test
    void aNeedNoNodeOffersIsRefusedWithTheUnitsThatExist() {
        ConfigProblem p = onlyProblem(BASE + "  - { name: g, members: [a], needs: { gpu: 1 } }\n", 18, 37,
                "needs.gpu: no node has a capacity of gpu (units declared: cpu, memory_mb)");
        assertThat(p.hint()).contains("capacity: { gpu: 8 }");
    }

    @Test
    void anAmountThatIsNoWholeNumberIsRefused() {
        onlyProblem(BASE + "  - { name: g, members: [a], needs: { cpu: lots } }\n", 18, 44, "needs.cpu must be a whole number from 0 up");
        onlyProblem(BASE + "  - { name: g, members: [a], needs: { cpu: -1 } }\n", 18, 44, "needs.cpu must be a whole number from 0 up");
    }

    @Test
    void aWitnessOffersNoCapacity() {
        onlyProblem(BASE.replace("role: witness }", "role: witness, capacity: { cpu: 2 } }") + "  - { name: g, members: [a] }\n", 11, 60,
                "capacity: a witness runs no group");
    }

    @Test
    void anUnknownStrategyIsRefusedWithTheNearestName() {
        ConfigProblem p = onlyProblem(BASE.replace("strategy: balanced", "strategy: balance") + "  - { name: g, members: [a] }\n",
                16, 21, "strategy 'balance' is not one of preferred, balanced, packed");
        assertThat(p.hint()).contains("did you mean 'balanced'");
    }
}
