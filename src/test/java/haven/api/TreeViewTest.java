package haven.api;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import haven.cib.Command;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TreeViewTest {
    private final Map<String, Object> tree = HaTree.of(status(state(
            new Command.Assign(WEB, Optional.of(N2), "test"), new Command.Started(WEB, N2, 1),
            new Command.SetStandby(N3, true))));

    private TreeView.Reply get(String path, boolean json) {
        return TreeView.render(TreeView.lookup(tree, ApiServer.segments(path)), json);
    }

    @Test
    void aLeafReadsAsOneLineOfPlainText() {
        assertThat(get("/ha/resources/site/state", false)).isEqualTo(new TreeView.Reply("text/plain", "started n2\n"));
        assertThat(get("/ha/cluster/coordinator", false).body()).isEqualTo("n1\n");
        assertThat(get("/ha/nodes/n3/standby", false).body()).isEqualTo("true\n");
    }

    @Test
    void aListLeafReadsAsOneItemPerLine() {
        assertThat(get("/ha/cluster/members", false).body()).isEqualTo("n1\nn2\nn3\n");
        assertThat(get("/ha/groups/web/resources", false).body()).isEqualTo("vip\nsite\n");
    }

    @Test
    void anEmptyLeafIsAnEmptyLine() {
        assertThat(get("/ha/resources/site/moved_to", false).body()).isEqualTo("\n");
    }

    @Test
    void aBranchReadsAsJsonWithEveryChild() throws Exception {
        TreeView.Reply r = get("/ha/nodes/n2", false);
        assertThat(r.contentType()).isEqualTo("application/json");
        JsonNode n = new ObjectMapper().readTree(r.body());
        assertThat(n.path("online").asBoolean()).isTrue();
        assertThat(n.path("standby").asBoolean()).isFalse();
        assertThat(n.path("groups").get(0).asText()).isEqualTo("web");
        JsonNode all = new ObjectMapper().readTree(get("/ha", false).body());
        assertThat(all.fieldNames()).toIterable().containsExactlyInAnyOrder("cluster", "quorum", "nodes", "resources", "groups");
    }

    @Test
    void askingForJsonGivesJsonForALeafToo() throws Exception {
        TreeView.Reply r = get("/ha/resources/site/state", true);
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(new ObjectMapper().readTree(r.body()).asText()).isEqualTo("started n2");
    }

    @Test
    void aMissingPathIsRefusedNamingWhatExistsThere() {
        assertThatThrownBy(() -> get("/ha/resources/site/colour", false))
                .isInstanceOf(ApiError.class)
                .hasMessage("no 'colour' under /ha/resources/site; it holds: name, type, group, state, node, moved_to, local,"
                        + " failures, why")
                .extracting(e -> ((ApiError) e).code()).isEqualTo(404);
        assertThatThrownBy(() -> get("/ha/resources/site/state/more", false))
                .hasMessage("/ha/resources/site/state is a leaf; it has no 'more' below it");
    }

    @Test
    void segmentsIgnoreTheHaPrefixAndExtraSlashes() {
        assertThat(ApiServer.segments("/ha//resources/site/")).isEqualTo(List.of("resources", "site"));
        assertThat(ApiServer.segments("/ha")).isEmpty();
    }

    @Test
    void anOpenNotificationRoundShowsWhoActsAndWhoHasNotAnsweredYet() {
        var status = notifyingPromotion();
        String round = "pre-promote of n2, waiting for n1, n3";
        assertThat(HaTree.why(status, status.config().groups().get(0))).contains("  notifying: " + round + "\n");
        Map<String, Object> t = HaTree.of(status);
        assertThat(TreeView.render(TreeView.lookup(t, List.of("groups", "web", "notify_round")), false).body()).isEqualTo(round + "\n");
        var answered = status.state().apply(List.of(new Command.NotifyDone(WEB, N2, 7, N1), new Command.NotifyDone(WEB, N2, 7, N3)));
        assertThat(HaTree.why(status(status.config(), answered, List.of(N1, N2, N3), true), status.config().groups().get(0)))
                .doesNotContain("notifying");
    }
}
