package haven.executor.agents.ocf;

import static org.assertj.core.api.Assertions.assertThat;

import haven.config.ClusterConfig;
import haven.config.ConfigLoader;
import haven.config.ResourceConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The meta attributes an OCF agent is told: the node it runs for, and for a promoted member what ocf_is_ms reads. */
class CloneMetaTest {
    private static final String CONFIG = """
            cluster: { name: lab, key: "0123456789abcdef" }
            nodes:
              - { name: n1, address: 10.0.0.11 }
              - { name: n2, address: 10.0.0.12 }
              - { name: n3, address: 10.0.0.13 }
              - { name: w, address: 10.0.0.14, role: witness }
            resources:
              - { name: db, type: "ocf:heartbeat:mysql", params: {} }
              - { name: db-ip, type: ipaddr, params: { address: 10.0.0.101/24 } }
              - { name: web, type: "ocf:heartbeat:nginx", params: {} }
            groups:
              - { name: data, members: [db, db-ip], promotable: %s }
              - { name: site, members: [web] }
            """;

    private static Map<String, String> meta(String promotable, String resource) throws Exception {
        ClusterConfig config = ConfigLoader.parse(CONFIG.formatted(promotable), "test.yaml");
        ResourceConfig rc = config.resources().stream().filter(r -> r.id().equals(ResourceId.of(resource))).findFirst().orElseThrow();
        return CloneMeta.of(config, rc, NodeId.of("n2"));
    }

    @Test
    void aPromotedMemberIsToldItIsOneAndHowManyInstancesRun() throws Exception {
        Map<String, String> env = meta("{ replicas: 1, notify: true }", "db");
        assertThat(env).containsEntry("OCF_RESKEY_CRM_meta_on_node", "n2")
                .containsEntry("OCF_RESKEY_CRM_meta_promotable", "true")
                .containsEntry("OCF_RESKEY_CRM_meta_master_max", "1")
                .containsEntry("OCF_RESKEY_CRM_meta_promoted_max", "1")
                .containsEntry("OCF_RESKEY_CRM_meta_clone_max", "2")
                .containsEntry("OCF_RESKEY_CRM_meta_clone_node_max", "1")
                .containsEntry("OCF_RESKEY_CRM_meta_notify", "true");
    }

    @Test
    void everyServiceNodeRunsAnInstanceWhenReplicasAreNotCounted() throws Exception {
        assertThat(meta("{}", "db")).containsEntry("OCF_RESKEY_CRM_meta_clone_max", "3")
                .containsEntry("OCF_RESKEY_CRM_meta_notify", "false");
    }

    @Test
    void otherOcfAgentsLearnOnlyTheirNode() throws Exception {
        assertThat(meta("{}", "web")).containsExactly(Map.entry("OCF_RESKEY_CRM_meta_on_node", "n2"));
    }

    @Test
    void agentsThatAreNotOcfLearnNothing() throws Exception {
        assertThat(meta("{}", "db-ip")).isEmpty();
    }
}
