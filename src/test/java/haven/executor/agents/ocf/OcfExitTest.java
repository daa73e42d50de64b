package haven.executor.agents.ocf;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.AgentResult;
import haven.core.AgentResult.Status;
import haven.core.Operation;
import org.junit.jupiter.api.Test;

/** The exit-code policy: which codes are running, stopped, a local failure, or a failure no restart here fixes. */
class OcfExitTest {
    private static Status map(Operation op, int code) {
        return OcfExit.toResult(op, code, "").status();
    }

    @Test
    void zeroIsOkForEveryOperation() {
        for (Operation op : Operation.values()) assertThat(map(op, 0)).isEqualTo(Status.OK);
    }

    @Test
    void sevenIsNotRunningForMonitorAndStopButAFailedStart() {
        assertThat(map(Operation.MONITOR, 7)).isEqualTo(Status.NOT_RUNNING);
        assertThat(map(Operation.STOP, 7)).isEqualTo(Status.NOT_RUNNING);
        AgentResult start = OcfExit.toResult(Operation.START, 7, "");
        assertThat(start.status()).isEqualTo(Status.FAILED);
        assertThat(start.detail()).contains("start reported exit 7 (not running)");
    }

    @Test
    void genericAndFailedPromotedAreLocalFailures() {
        assertThat(map(Operation.MONITOR, 1)).isEqualTo(Status.FAILED);
        assertThat(map(Operation.MONITOR, 9)).isEqualTo(Status.FAILED);
        assertThat(OcfExit.ERR_GENERIC.scope).isEqualTo(OcfExit.Scope.LOCAL);
        assertThat(OcfExit.FAILED_PROMOTED.scope).isEqualTo(OcfExit.Scope.LOCAL);
    }

    @Test
    void notInstalledPermissionAndUnimplementedMeanThisNodeCannotRunIt() {
        for (int code : new int[] {3, 4, 5}) {
            AgentResult r = OcfExit.toResult(Operation.START, code, "missing /usr/sbin/nginx");
            assertThat(r.status()).isEqualTo(Status.CONFIG_ERROR);
            assertThat(r.detail()).contains("this node cannot run it").contains("missing /usr/sbin/nginx");
        }
    }

    @Test
    void invalidArgumentsAndNotConfiguredAreWrongOnEveryNode() {
        for (int code : new int[] {2, 6}) {
            AgentResult r = OcfExit.toResult(Operation.MONITOR, code, "");
            assertThat(r.status()).isEqualTo(Status.FATAL);
            assertThat(r.detail()).contains("the configuration is wrong on every node");
            assertThat(OcfExit.of(code).orElseThrow().scope).isEqualTo(OcfExit.Scope.EVERYWHERE);
        }
    }

    @Test
    void aMonitorTellsThePrimaryRoleAndDegradedIsRunningWithTheMeaningKept() {
        assertThat(OcfExit.toResult(Operation.MONITOR, 8, "")).isEqualTo(new AgentResult(Status.PROMOTED, "running promoted"));
        assertThat(OcfExit.toResult(Operation.MONITOR, 191, "").status()).isEqualTo(Status.PROMOTED);
        assertThat(OcfExit.toResult(Operation.MONITOR, 190, "")).isEqualTo(new AgentResult(Status.OK, "running degraded"));
        assertThat(OcfExit.toResult(Operation.START, 8, "")).as("only a monitor's 8 names a role")
                .isEqualTo(new AgentResult(Status.OK, "running promoted"));
        assertThat(OcfExit.toResult(Operation.PROMOTE, 7, "").status()).as("promoting a stopped instance failed").isEqualTo(Status.FAILED);
        assertThat(OcfExit.toResult(Operation.STOP, 8, "").status()).as("still primary after a stop").isEqualTo(Status.FAILED);
        assertThat(OcfExit.toResult(Operation.DEMOTE, 8, "").status()).isEqualTo(Status.FAILED);
        assertThat(OcfExit.toResult(Operation.DEMOTE, 9, "").status()).isEqualTo(Status.FAILED);
    }

    @Test
    void aProgramMissingInsideTheAgentMeansThisNodeCannotRunIt() {
        AgentResult r = OcfExit.toResult(Operation.START, 127, "attrd_updater: not found");
        assertThat(r.status()).isEqualTo(Status.CONFIG_ERROR);
        assertThat(r.detail()).isEqualTo("exit 127 (a command the agent runs was not found): attrd_updater: not found "
                + "[this node cannot run it]");
    }

    @Test
    void unknownCodesAndSignalsAreLocalFailuresThatSaySo() {
        assertThat(OcfExit.toResult(Operation.MONITOR, 42, "").detail()).contains("42 (not an OCF exit code)");
        assertThat(OcfExit.toResult(Operation.STOP, 137, "").status()).isEqualTo(Status.FAILED);
        assertThat(OcfExit.describe(137)).isEqualTo("137 (killed by signal 9)");
    }
}
