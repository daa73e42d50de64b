package haven.api;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.node.NodeStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The day-two writes: what each commits, and each refusal with its fix. */
class DayTwoControlTest {
    private static Control.Action write(ClusterState state, String method, String path, Map<String, String> query, String body) {
        NodeStatus s = status(state);
        return Control.of(s, method, ApiServer.segments(path), query, body);
    }

    private static String refusal(ClusterState state, String method, String path, Map<String, String> query, String body) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> write(state, method, path, query, body));
        assertThat(t).isInstanceOf(ApiError.class);
        return t.getMessage();
    }

    @Test
    void disableEnableUnmanageManageActOnTheWholeGroupNamedByAnyMember() {
        assertThat(write(webOnN2(), "POST", "/ha/resources/site/disable", Map.of(), "").commands())
                .containsExactly(new Command.SetDisabled(WEB, true));
        assertThat(write(webOnN2(), "POST", "/ha/groups/web/enable", Map.of(), "").commands())
                .containsExactly(new Command.SetDisabled(WEB, false));
        Control.Action unmanage = write(webOnN2(), "POST", "/ha/resources/vip/unmanage", Map.of(), "");
        assertThat(unmanage.commands()).containsExactly(new Command.SetManaged(WEB, false));
        assertThat(unmanage.done()).startsWith("ok: group web (vip, site) is unmanaged");
        assertThat(write(webOnN2(), "POST", "/ha/resources/vip/manage", Map.of(), "").commands())
                .containsExactly(new Command.SetManaged(WEB, true));
    }

    @Test
    void aRestartComesBackOnTheNodeTheGroupRunsOn() {
        Control.Action a = write(webOnN2(), "POST", "/ha/resources/site/restart", Map.of(), "");
        assertThat(a.commands()).containsExactly(new Command.Restart(WEB, Optional.of(N2)));
        assertThat(a.done()).contains("stops on n2").contains("starts there again");
    }

    @Test
    void aRestartThatWouldMeanNothingIsRefusedWithTheFix() {
        assertThat(refusal(state(), "POST", "/ha/resources/site/restart", Map.of(), ""))
                .isEqualTo("web runs nowhere now, so there is nothing to restart; `haven why web` says why");
        ClusterState unmanaged = webOnN2().apply(List.of(new Command.SetManaged(WEB, false)));
        assertThat(refusal(unmanaged, "POST", "/ha/resources/site/restart", Map.of(), "")).contains("`haven resource manage web` first");
        ClusterState disabled = webOnN2().apply(List.of(new Command.SetDisabled(WEB, true)));
        assertThat(refusal(disabled, "POST", "/ha/resources/site/restart", Map.of(), "")).contains("`haven resource enable web`");
        ClusterState restarting = webOnN2().apply(List.of(new Command.Restart(WEB, Optional.of(N2))));
        assertThat(refusal(restarting, "POST", "/ha/resources/site/restart", Map.of(), "")).contains("being restarted already");
        ClusterState nodeDown = webOnN2().apply(List.of(new Command.SetNodeMaintenance(N2, true)));
        assertThat(refusal(nodeDown, "POST", "/ha/resources/site/restart", Map.of(), "")).contains("`haven node maintenance n2 off` first");
    }

    @Test
    void aMoveForAWhileEndsAtNowPlusTheDuration() {
        long before = System.currentTimeMillis();
        Control.Action a = write(webOnN2(), "POST", "/ha/resources/site/move", Map.of("node", "n1", "for", "30m"), "");
        long after = System.currentTimeMillis();
        Command.Move m = (Command.Move) a.commands().get(0);
        assertThat(m.node()).contains(N1);
        assertThat(m.untilEpochMs().orElseThrow()).isBetween(before + 1_800_000, after + 1_800_000);
        assertThat(a.done()).contains("then the move ends by itself");
    }

    @Test
    void aMoveLifetimeThatIsNoDurationOrTooLongIsRefused() {
        assertThat(refusal(webOnN2(), "POST", "/ha/resources/site/move", Map.of("node", "n1", "for", "soon"), ""))
                .startsWith("for=soon: 'soon' is not a duration");
        assertThat(refusal(webOnN2(), "POST", "/ha/resources/site/move", Map.of("node", "n1", "for", "0s"), ""))
                .contains("a move lasts from 1s to 7 days");
        assertThat(refusal(webOnN2(), "POST", "/ha/resources/site/move", Map.of("node", "n1", "for", "169h"), ""))
                .contains("`haven resource clear site`");
    }

    @Test
    void aNodesMaintenanceIsOnOrOffByItsBody() {
        assertThat(write(webOnN2(), "PUT", "/ha/nodes/n2/maintenance", Map.of(), "on").commands())
                .containsExactly(new Command.SetNodeMaintenance(N2, true));
        assertThat(write(webOnN2(), "PUT", "/ha/nodes/n2/maintenance", Map.of(), "off").commands())
                .containsExactly(new Command.SetNodeMaintenance(N2, false));
        assertThat(refusal(webOnN2(), "PUT", "/ha/nodes/n2/maintenance", Map.of(), "later")).contains("takes the body 'on' or 'off'");
        assertThatThrownBy(() -> write(webOnN2(), "DELETE", "/ha/nodes/n2/maintenance", Map.of(), ""))
                .hasMessageContaining("PUT it with the body 'on' or 'off'");
    }

    @Test
    void aMoveToANodeTheGroupDoesNotFitOnIsRefusedWithWhatIsFree() throws Exception {
        haven.config.ClusterConfig config = haven.config.ConfigLoader.parse("""
                cluster: { name: c, key: "0123456789abcdef" }
                nodes:
                  - { name: n1, address: 10.0.0.1, capacity: { memory_mb: 4096 } }
                  - { name: n2, address: 10.0.0.2, capacity: { memory_mb: 1024 } }
                  - { name: n3, address: 10.0.0.3 }
                resources:
                  - { name: site, type: process, params: { command: /bin/site } }
                groups:
                  - { name: web, members: [site], needs: { memory_mb: 2048 } }
                """, "test.yaml");
        NodeStatus s = status(config, state(new Command.Assign(WEB, Optional.of(N1), "t")), List.of(N1, N2, N3), true);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Control.of(s, "POST", ApiServer.segments("/ha/resources/site/move"),
                Map.of("node", "n2"), ""));
        assertThat(t).isInstanceOf(ApiError.class).hasMessageStartingWith("web needs memory_mb 2048 and n2 has 1024 free of 1024;");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Control.of(s, "POST",
                ApiServer.segments("/ha/resources/site/move"), Map.of("node", "n3"), ""))).hasMessageContaining("n3 has 0 free of 0");
    }
}
