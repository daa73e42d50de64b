package haven.executor.agents.ocf;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import haven.core.Notice;
import haven.core.Operation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The OCF_RESKEY_CRM_meta_notify_* variables as agents written for Pacemaker read them. */
class NotifyVariablesTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");
    private static final String M = "OCF_RESKEY_CRM_meta_notify_";

    @Test
    void aPromotionAfterThePrimaryWasLostNamesTheNewPrimaryAndTheReplicasAround() {
        Notice n = new Notice(true, Operation.PROMOTE, N2, new TreeSet<>(List.of(N2, N3)), Optional.empty(), List.of(N1, N2, N3));
        Map<String, String> env = NotifyVariables.of("db", n);
        assertThat(env).containsEntry(M + "type", "pre").containsEntry(M + "operation", "promote")
                .containsEntry(M + "promote_uname", "n2").containsEntry(M + "promote_resource", "db:1")
                .containsEntry(M + "demote_uname", "").containsEntry(M + "start_uname", "").containsEntry(M + "stop_uname", "")
                .containsEntry(M + "active_uname", "n2 n3").containsEntry(M + "active_resource", "db:1 db:2")
                .containsEntry(M + "inactive_uname", "n1")
                .containsEntry(M + "master_uname", "").containsEntry(M + "promoted_uname", "")
                .containsEntry(M + "slave_uname", "n2 n3").containsEntry(M + "unpromoted_uname", "n2 n3")
                .containsEntry(M + "all_uname", "n1 n2 n3").containsEntry(M + "available_uname", "n1 n2 n3")
                .containsEntry(M + "all_hosts", "n1 n2 n3");
    }

    @Test
    void aDemotionNamesThePrimaryBeforeIt() {
        Notice n = new Notice(false, Operation.DEMOTE, N1, new TreeSet<>(List.of(N1, N2, N3)), Optional.of(N1), List.of(N1, N2, N3));
        Map<String, String> env = NotifyVariables.of("db", n);
        assertThat(env).containsEntry(M + "type", "post").containsEntry(M + "operation", "demote")
                .containsEntry(M + "demote_uname", "n1").containsEntry(M + "master_uname", "n1").containsEntry(M + "master_resource", "db:0")
                .containsEntry(M + "slave_uname", "n2 n3");
    }

    @Test
    void onlyTheFourActionsAreAnnounced() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Notice(true, Operation.MONITOR, N1, new TreeSet<>(), Optional.empty(), List.of(N1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not MONITOR");
    }
}
