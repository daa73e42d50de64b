package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupsSectionTest {
    /** Lines 1-15: one node and three resources a, b, c. */
    private static final String THREE = HEAD + """
            resources:
              - name: a
                type: process
                params: { command: /bin/a }
              - name: b
                type: process
                params: { command: /bin/b }
              - name: c
                type: process
                params: { command: /bin/c }
            groups:
            """;

    @Test
    void memberThatIsNotAResource() {
        ConfigProblem p = onlyProblem(THREE + "  - name: g\n    members: [a, d]\n", 19, 18,
                "groups[g].members names 'd', which is not a resource");
        assertThat(p.hint()).contains("a, b, c");
    }

    @Test
    void groupWithNoMembers() {
        onlyProblem(THREE + "  - name: g\n    members: []\n", 19, 14, "groups[g].members is empty");
    }

    @Test
    void groupWithoutMembersKey() {
        onlyProblem(THREE + "  - name: g\n    prefer: n1\n", 18, 5, "groups[g].members is missing");
    }

    @Test
    void preferredNodeThatIsNotANode() {
        ConfigProblem p = onlyProblem(THREE + "  - name: g\n    members: [a]\n    prefer: n9\n", 20, 13,
                "groups[g].prefer 'n9' is not a node");
        assertThat(p.hint()).contains("n1");
    }

    @Test
    void resourceInTwoGroups() {
        ConfigProblem p = onlyProblem(THREE + "  - name: g\n    members: [a, b]\n  - name: h\n    members: [b, c]\n",
                21, 15, "groups[h].members: resource 'b' is already in group 'g'", "line 19");
        assertThat(p.hint()).contains("at most one group");
    }

    @Test
    void resourceTwiceInOneGroup() {
        onlyProblem(THREE + "  - name: g\n    members: [a, a]\n", 19, 18, "groups[g].members lists resource 'a' twice");
    }

    @Test
    void groupNamedLikeAResourceThatHasAnImplicitGroup() {
        ConfigProblem p = onlyProblem(THREE + "  - name: c\n    members: [a, b]\n", 18, 11,
                "group name 'c' is taken by the implicit group of resource 'c'");
        assertThat(p.hint()).contains("rename the group");
    }

    @Test
    void groupNamedLikeItsOwnMemberIsFine() throws Exception {
        ClusterConfig c = valid(THREE + "  - name: a\n    members: [a]\n  - name: bc\n    members: [b, c]\n");
        assertThat(c.groups()).extracting(GroupConfig::id).containsExactly(GroupId.of("a"), GroupId.of("bc"));
    }

    @Test
    void duplicateGroupName() {
        onlyProblem(THREE + "  - name: g\n    members: [a]\n  - name: g\n    members: [b]\n", 20, 11,
                "groups[g].name 'g' is used twice");
    }

    @Test
    void ungroupedResourcesGetImplicitGroupsAfterTheWrittenOnesInResourceOrder() throws Exception {
        ClusterConfig c = valid(THREE + "  - name: web\n    members: [b]\n    prefer: n1\n");
        assertThat(c.groups()).containsExactly(
                new GroupConfig(GroupId.of("web"), java.util.List.of(ResourceId.of("b")), Optional.of(NodeId.of("n1")),
                        StartOrder.Mode.AUTO, java.util.List.of(ResourceId.of("b"))),
                new GroupConfig(GroupId.of("a"), java.util.List.of(ResourceId.of("a")), Optional.empty()),
                new GroupConfig(GroupId.of("c"), java.util.List.of(ResourceId.of("c")), Optional.empty()));
        assertThat(c.groupOf(ResourceId.of("c")).id()).isEqualTo(GroupId.of("c"));
    }

    @Test
    void membersKeepTheirStartOrder() throws Exception {
        ClusterConfig c = valid(THREE + "  - name: g\n    members: [c, a, b]\n");
        assertThat(c.group(GroupId.of("g")).orElseThrow().members())
                .containsExactly(ResourceId.of("c"), ResourceId.of("a"), ResourceId.of("b"));
        assertThat(c.groups()).hasSize(1);
    }
}
