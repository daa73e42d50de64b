package haven.executor.agents.ocf;

import haven.core.AgentResult;
import haven.core.Operation;
import java.util.Arrays;
import java.util.Optional;

/**
 * The OCF exit codes and what each means for the cluster. Our policy, by recovery scope:
 * <ul>
 * <li>{@link Scope#LOCAL} (1 generic, 9 failed while promoted, unknown codes, death by signal): a restart
 *     may fix it; reported FAILED, so the resource is recovered as any failure is.</li>
 * <li>{@link Scope#NODE} (3 unimplemented, 4 insufficient privileges, 5 not installed, and the shell's 126/127
 *     when a program the agent runs is missing): this node cannot
 *     run the resource, another may (it has the program, the permission, a newer agent). Reported
 *     CONFIG_ERROR, the status that says "no restart on this node will help".</li>
 * <li>{@link Scope#EVERYWHERE} (2 invalid arguments, 6 not configured): the configuration itself is wrong,
 *     so no node can run it. Reported FATAL: the group stops on every node and starts nowhere until the
 *     config is fixed and the failure cleaned up.</li>
 * </ul>
 * 7 is the clean "not running": the answer a monitor of a stopped resource must give, success for a stop,
 * a failure for a start. 8 (running promoted) and 191 (promoted, degraded) from a monitor say the instance holds
 * the primary role ({@link AgentResult.Status#PROMOTED}); 190 (degraded) is running, with the meaning kept in the detail. Pacemaker reads 2, 3, 4 and 5 all as "ban the
 * node"; we read 2 as everywhere because invalid arguments come from the config that every node shares.
 */
public enum OcfExit {
    SUCCESS(0, "success", Scope.NONE),
    ERR_GENERIC(1, "generic error", Scope.LOCAL),
    ERR_ARGS(2, "invalid arguments", Scope.EVERYWHERE),
    ERR_UNIMPLEMENTED(3, "action not implemented", Scope.NODE),
    ERR_PERM(4, "insufficient privileges", Scope.NODE),
    ERR_INSTALLED(5, "not installed", Scope.NODE),
    ERR_CONFIGURED(6, "not configured", Scope.EVERYWHERE),
    NOT_RUNNING(7, "not running", Scope.NONE),
    RUNNING_PROMOTED(8, "running promoted", Scope.NONE),
    FAILED_PROMOTED(9, "failed while promoted", Scope.LOCAL),
    DEGRADED(190, "running degraded", Scope.NONE),
    DEGRADED_PROMOTED(191, "running promoted, degraded", Scope.NONE);

    /** Where a failure with this code can be cured. */
    public enum Scope {
        NONE("not a failure"),
        LOCAL("a restart here may fix it"),
        NODE("this node cannot run it"),
        EVERYWHERE("the configuration is wrong on every node");

        public final String meaning;

        Scope(String meaning) {
            this.meaning = meaning;
        }
    }

    public final int code;
    public final String meaning;
    public final Scope scope;

    OcfExit(int code, String meaning, Scope scope) {
        this.code = code;
        this.meaning = meaning;
        this.scope = scope;
    }

    public static Optional<OcfExit> of(int code) {
        return Arrays.stream(values()).filter(e -> e.code == code).findFirst();
    }

    /** The shell's codes for "command not found" and "found but not executable", from inside an agent. */
    static final int SHELL_NOT_FOUND = 127;
    static final int SHELL_NOT_EXECUTABLE = 126;

    /** "7 (not running)", or "42 (not an OCF exit code)". */
    public static String describe(int code) {
        if (code > 128 && code < 128 + 65) return code + " (killed by signal " + (code - 128) + ")";
        if (code == SHELL_NOT_FOUND) return code + " (a command the agent runs was not found)";
        if (code == SHELL_NOT_EXECUTABLE) return code + " (a command the agent runs is not executable)";
        return code + " (" + of(code).map(e -> e.meaning).orElse("not an OCF exit code") + ")";
    }

    /**
     * Our result for {@code code} from {@code op}. {@code detail} (the agent's last words) is appended to
     * the explanation of a failure.
     */
    public static AgentResult toResult(Operation op, int code, String detail) {
        Optional<OcfExit> known = of(code);
        String why = "exit " + describe(code) + (detail.isBlank() ? "" : ": " + detail);
        // An agent that dies on a missing program (the shell's 126/127) lacks a package on this node, like 5.
        if (code == SHELL_NOT_FOUND || code == SHELL_NOT_EXECUTABLE) return AgentResult.configError(why + " [" + Scope.NODE.meaning + "]");
        if (known.isEmpty()) return AgentResult.failed(why);
        OcfExit e = known.get();
        return switch (e) {
            case SUCCESS -> AgentResult.ok();
            case DEGRADED -> new AgentResult(AgentResult.Status.OK, e.meaning);
            // Only a monitor's answer tells the role; from any other action the code still means "it runs".
            case RUNNING_PROMOTED, DEGRADED_PROMOTED -> switch (op) {
                case MONITOR -> new AgentResult(AgentResult.Status.PROMOTED, e.meaning);
                // Still primary after a stop or a demote: the role was not given up (Stateful's stop while master).
                case STOP, DEMOTE -> AgentResult.failed(op.name().toLowerCase(java.util.Locale.ROOT) + " reported " + why);
                case START, RELOAD, PROMOTE, NOTIFY -> new AgentResult(AgentResult.Status.OK, e.meaning);
            };
            case NOT_RUNNING -> switch (op) {
                case MONITOR, STOP -> AgentResult.notRunning();
                case START, RELOAD, PROMOTE, DEMOTE, NOTIFY -> AgentResult.failed(op.name().toLowerCase(java.util.Locale.ROOT) + " reported " + why);
            };
            case ERR_GENERIC, FAILED_PROMOTED -> AgentResult.failed(why);
            case ERR_UNIMPLEMENTED, ERR_PERM, ERR_INSTALLED -> AgentResult.configError(why + " [" + e.scope.meaning + "]");
            case ERR_ARGS, ERR_CONFIGURED -> AgentResult.fatal(why + " [" + e.scope.meaning + "]");
        };
    }
}
