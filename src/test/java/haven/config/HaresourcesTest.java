package haven.config;

import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HaresourcesTest {
    /** Lines 1-10: three nodes. */
    private static final String NODES = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }
              - { name: n2, address: 10.0.0.2 }
              - { name: n3, address: 10.0.0.3 }
            """;

    @Test
    void oneLineIsOneGroupNamedAfterItsLastResource() throws Exception {
        ClusterConfig c = valid(NODES + """
                haresources:
                  - "n1 ipaddr:10.0.0.100/24 process:web=/usr/sbin/nginx -g 'daemon off;'"
                  - "n2 ipaddr:db-ip=10.0.0.101/24"
                """);
        assertThat(c.resources()).extracting(ResourceConfig::id)
                .containsExactly(ResourceId.of("ip-10.0.0.100"), ResourceId.of("web"), ResourceId.of("db-ip"));
        assertThat(c.resource(ResourceId.of("web")).orElseThrow().params())
                .isEqualTo(Map.of("command", "/usr/sbin/nginx -g 'daemon off;'"));
        assertThat(c.groups()).containsExactly(
                new GroupConfig(GroupId.of("web"), List.of(ResourceId.of("ip-10.0.0.100"), ResourceId.of("web")),
                        Optional.of(NodeId.of("n1")), StartOrder.Mode.AUTO, List.of(ResourceId.of("web"), ResourceId.of("ip-10.0.0.100"))),
                new GroupConfig(GroupId.of("db-ip"), List.of(ResourceId.of("db-ip")), Optional.of(NodeId.of("n2")),
                        StartOrder.Mode.AUTO, List.of(ResourceId.of("db-ip"))));
    }

    @Test
    void unknownNodeIsReportedAtTheLine() {
        onlyProblem(NODES + "haresources:\n  - \"n9 ipaddr:10.0.0.100/24\"\n", 9, 5,
                "haresources[#1] starts with 'n9', which is not a node");
    }

    @Test
    void badAddressIsReportedAtTheLine() {
        onlyProblem(NODES + "haresources:\n  - \"n1 ipaddr:10.0.0.100\"\n", 9, 5,
                "haresources[#1] resource 'ip-10.0.0.100': address '10.0.0.100' has no prefix length");
    }

    @Test
    void notTogetherWithTheLongForm() {
        onlyProblem(NODES + "resources: []\nharesources:\n  - \"n1 ipaddr:10.0.0.100/24\"\n", 9, 1,
                "haresources is written together with resources or groups");
    }
}
