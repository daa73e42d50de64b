package haven.executor.agents.lsb;

import haven.core.AgentResult;
import haven.core.Operation;

/**
 * LSB init script exit codes (LSB core, "Init Script Actions"). start and stop use 0 for success and
 * 1-7 as OCF does (OCF borrowed them); status has its own table: 0 running, 1 dead but a pid file
 * exists, 2 dead but a lock file exists, 3 not running, 4 unknown.
 *
 * <p>Status 1 and 2 read as not running, as Pacemaker reads them: the service is not serving, and a
 * leftover pid file after a crash is the ordinary state of a node that ran it before. A running resource
 * whose monitor says so is failed all the same.
 */
public final class LsbExit {
    private LsbExit() {}

    public static String describeStatus(int code) {
        return code + " (" + switch (code) {
            case 0 -> "running";
            case 1 -> "dead, pid file exists";
            case 2 -> "dead, lock file exists";
            case 3 -> "not running";
            case 4 -> "status unknown";
            default -> "not an LSB status code";
        } + ")";
    }

    public static String describeAction(int code) {
        return code + " (" + switch (code) {
            case 0 -> "success";
            case 1 -> "generic error";
            case 2 -> "invalid arguments";
            case 3 -> "unimplemented";
            case 4 -> "insufficient privileges";
            case 5 -> "not installed";
            case 6 -> "not configured";
            case 7 -> "not running";
            default -> code > 128 && code < 128 + 65 ? "killed by signal " + (code - 128) : "not an LSB exit code";
        } + ")";
    }

    public static AgentResult toResult(Operation op, int code, String detail) {
        String tail = detail.isBlank() ? "" : ": " + detail;
        if (op == Operation.MONITOR) {
            return switch (code) {
                case 0 -> AgentResult.ok();
                case 1, 2, 3 -> new AgentResult(AgentResult.Status.NOT_RUNNING, code == 3 ? "" : "status " + describeStatus(code));
                default -> AgentResult.failed("status " + describeStatus(code) + tail);
            };
        }
        return switch (code) {
            case 0 -> AgentResult.ok();
            // Same scopes as OCF's codes of the same numbers (see OcfExit).
            case 3, 4, 5 -> AgentResult.configError(op.name().toLowerCase() + " exited " + describeAction(code) + tail);
            case 2, 6 -> AgentResult.fatal(op.name().toLowerCase() + " exited " + describeAction(code) + tail);
            default -> AgentResult.failed(op.name().toLowerCase() + " exited " + describeAction(code) + tail);
        };
    }
}
