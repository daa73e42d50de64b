package haven.api;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.cib.Command;
import haven.node.NodeStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class ControlTest {
    private final NodeStatus s = status(state(new Command.Assign(WEB, Optional.of(N2), "t"), new Command.SetStandby(N3, true)));

    private Control.Action write(String method, String path, Map<String, String> query, String body) {
        return Control.of(s, method, ApiServer.segments(path), query, body);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> refused(int code, String method, String path, Map<String, String> query,
            String body) {
        return assertThatThrownBy(() -> write(method, path, query, body)).isInstanceOf(ApiError.class)
                .satisfies(e -> assertThat(((ApiError) e).code()).isEqualTo(code));
    }

    @Test
    void aMoveOfAResourceMovesItsGroupByQueryOrByPuttingTheLeaf() {
        Control.Action byQuery = write("POST", "/ha/resources/site/move", Map.of("node", "n1"), "");
        Control.Action byPut = write("PUT", "/ha/resources/site/moved_to", Map.of(), "n1\n");
        assertThat(byQuery.commands()).containsExactly(new Command.Move(WEB, Optional.of(N1)));
        assertThat(byPut.commands()).isEqualTo(byQuery.commands());
        assertThat(byQuery.done()).isEqualTo("ok: group web is to run on n1 until the move is cleared");
    }

    @Test
    void clearingAMoveByPostOrDelete() {
        assertThat(write("POST", "/ha/groups/web/clear", Map.of(), "").commands())
                .containsExactly(new Command.Move(WEB, Optional.empty()));
        assertThat(write("DELETE", "/ha/resources/vip/moved_to", Map.of(), "").commands())
                .containsExactly(new Command.Move(WEB, Optional.empty()));
    }

    @Test
    void cleanupOfAResourceOrOfEveryMemberOfAGroup() {
        assertThat(write("POST", "/ha/resources/site/cleanup", Map.of("node", "n2"), "").commands())
                .containsExactly(new Command.Cleanup(SITE, Optional.of(N2)));
        assertThat(write("POST", "/ha/groups/web/cleanup", Map.of(), "").commands())
                .containsExactly(new Command.Cleanup(VIP, Optional.empty()), new Command.Cleanup(SITE, Optional.empty()));
    }

    @Test
    void standbyAndOnlineByPostOrByPuttingTheLeaf() {
        assertThat(write("POST", "/ha/nodes/n2/standby", Map.of(), "").commands()).containsExactly(new Command.SetStandby(N2, true));
        assertThat(write("PUT", "/ha/nodes/n3/standby", Map.of(), "false").commands()).containsExactly(new Command.SetStandby(N3, false));
        assertThat(write("POST", "/ha/nodes/n3/online", Map.of(), "").commands()).containsExactly(new Command.SetStandby(N3, false));
    }

    @Test
    void aMoveToAStandbyNodeIsRefusedWithTheWayToBringItOnline() {
        refused(409, "POST", "/ha/resources/site/move", Map.of("node", "n3"), "")
                .hasMessage("n3 is in standby; bring it online first (POST /ha/nodes/n3/online), or move to one of [n1, n2]");
    }

    @Test
    void aMoveToANodeOutsideTheViewIsRefused() {
        NodeStatus twoUp = Snapshots.status(config(7480), state(), List.of(N1, N2), true);
        assertThatThrownBy(() -> Control.of(twoUp, "POST", List.of("resources", "site", "move"), Map.of("node", "n3"), ""))
                .hasMessageContaining("n3 is not a cluster member now (members [n1, n2])")
                .hasMessageContaining("move to one of [n1, n2]");
    }

    @Test
    void badTargetsAndBodiesAreRefusedNamingTheFix() {
        refused(404, "POST", "/ha/resources/site/move", Map.of("node", "n9"), "").hasMessage("no node named 'n9'; nodes: [n1, n2, n3]");
        refused(400, "POST", "/ha/resources/site/move", Map.of(), "").hasMessageContaining("POST /ha/resources/site/move?node=N");
        refused(404, "POST", "/ha/resources/db/move", Map.of("node", "n1"), "")
                .hasMessage("no resource or group named 'db'; resources: [vip, site], groups: [web]");
        refused(400, "PUT", "/ha/nodes/n2/standby", Map.of(), "maybe").hasMessageContaining("takes true or false");
    }

    @Test
    void writingAReadOnlyPathIsRefusedWithWhatIsWritable() {
        refused(405, "PUT", "/ha/resources/site/state", Map.of(), "started n1")
                .hasMessageStartingWith("PUT /ha/resources/site/state is not an action; writable: POST /ha/resources/R/move");
        refused(405, "POST", "/ha/cluster", Map.of(), "").hasMessageStartingWith("POST /ha/cluster cannot be written");
    }
}
