package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A group's promotable block: promoted members, replicas, and what the loader refuses, with its place. */
class PromotableSectionTest {
    /** Lines 1-15: one node, an OCF database agent, its address and a process. */
    private static final String DB = HEAD + """
            resources:
              - name: db
                type: ocf:heartbeat:pgsql
                params: { pgdata: /var/lib/pg }
              - name: db-ip
                type: ipaddr
                params: { address: 10.0.0.101/24 }
              - name: app
                type: process
                params: { command: /bin/app }
            groups:
            """;

    @Test
    void theFirstMemberIsPromotedAndEveryNodeRunsAReplicaByDefault() throws Exception {
        ClusterConfig c = valid(DB + "  - name: g\n    members: [db, db-ip]\n    promotable: {}\n");
        GroupConfig g = c.group(haven.core.GroupId.of("g")).orElseThrow();
        assertThat(g.isPromotable()).isTrue();
        assertThat(g.replicaMembers()).containsExactly(ResourceId.of("db"));
        assertThat(g.promotable().orElseThrow().replicas()).isEqualTo(GroupConfig.Promotable.EVERY_NODE);
        assertThat(g.primaryOnly(ResourceId.of("db-ip"))).isTrue();
        assertThat(g.primaryOnly(ResourceId.of("db"))).isFalse();
    }

    @Test
    void promotedMembersAndReplicasAsWritten() throws Exception {
        ClusterConfig c = valid(DB + "  - name: g\n    members: [db, db-ip]\n    promotable: { members: [db], replicas: 1 }\n");
        GroupConfig g = c.groups().get(0);
        assertThat(g.promotable()).contains(new GroupConfig.Promotable(List.of(ResourceId.of("db")), 1));
        assertThat(g.startOrder()).containsExactly(ResourceId.of("db"), ResourceId.of("db-ip"));
    }

    @Test
    void notificationsAreOffUnlessAsked() throws Exception {
        GroupConfig quiet = valid(DB + "  - name: g\n    members: [db]\n    promotable: {}\n").groups().get(0);
        GroupConfig told = valid(DB + "  - name: g\n    members: [db]\n    promotable: { notify: true }\n").groups().get(0);
        assertThat(quiet.notifies()).isFalse();
        assertThat(told.notifies()).isTrue();
    }

    @Test
    void notifyIsTrueOrFalse() {
        onlyProblem(DB + "  - name: g\n    members: [db]\n    promotable: { notify: yes please }\n", 20, 27,
                "groups[g].promotable.notify must be true or false");
    }

    @Test
    void aPlainGroupHasNoReplicaMembers() throws Exception {
        GroupConfig g = valid(DB + "  - name: g\n    members: [db, db-ip]\n").groups().get(0);
        assertThat(g.isPromotable()).isFalse();
        assertThat(g.replicaMembers()).isEmpty();
        assertThat(g.primaryOnly(ResourceId.of("db-ip"))).isFalse();
    }

    @Test
    void onlyOcfAgentsHaveAPrimaryRole() {
        ConfigProblem p = onlyProblem(DB + "  - name: g\n    members: [app, db]\n    promotable: { members: [app] }\n", 20, 28,
                "groups[g].promotable.members: resource 'app' (type process) has no primary role");
        assertThat(p.hint()).contains("OCF agents that implement promote and demote");
    }

    @Test
    void promotedMembersComeFirst() {
        ConfigProblem p = onlyProblem(DB + "  - name: g\n    members: [db-ip, db]\n    promotable: { members: [db] }\n", 20, 28,
                "must be the group's first members");
        assertThat(p.hint()).contains("list [db] first");
    }

    @Test
    void aPromotedMemberMustBeInTheGroup() {
        ConfigProblem p = onlyProblem(DB + "  - name: g\n    members: [db]\n    promotable: { members: [app] }\n", 20, 29,
                "groups[g].promotable.members names 'app', which is not a member of this group");
        assertThat(p.hint()).contains("[db]");
    }

    @Test
    void onePrimaryForNow() {
        onlyProblem(DB + "  - name: g\n    members: [db]\n    promotable: { primaries: 2 }\n", 20, 30,
                "groups[g].promotable.primaries 2 is out of range 1..1");
    }

    @Test
    void unknownKeyInTheBlock() {
        onlyProblem(DB + "  - name: g\n    members: [db]\n    promotable: { replica: 2 }\n", 20, 19, "replica");
    }
}
