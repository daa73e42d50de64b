package haven.core;

/**
 * The result of one agent operation, with OCF meanings. TIMEOUT is its own status: a stop that timed out
 * did not succeed, and the resource must be treated as possibly still active.
 */
public record AgentResult(Status status, String detail) {

    public enum Status {
        /** OCF 0: the operation succeeded / the resource is running. */
        OK(0),
        /** OCF 8: a monitor found the resource running in the primary role; running, like OK, for every other use. */
        PROMOTED(8),
        /** OCF 7: the resource is cleanly stopped. */
        NOT_RUNNING(7),
        /** OCF 1: generic failure; a restart may fix it. */
        FAILED(1),
        /** OCF 3, 4, 5: unimplemented, no permission, missing program: no restart on this node will help. */
        CONFIG_ERROR(5),
        /** OCF 2, 6: invalid arguments, not configured: the shared config is wrong, so no node can run it. */
        FATAL(6),
        /** No answer within the operation's timeout: the outcome is unknown. */
        TIMEOUT(-1),
        /**
         * A built-in replicated type's promote that must not take the role now (its copy is not whole, or a replica it
         * reaches holds a more current one): the instance runs on as a replica, its lowered score hands the role on.
         * Not a failure (OCF has no such answer: an OCF agent's refusal is a failure, as in Pacemaker).
         */
        DECLINED(1);

        public final int ocfCode;

        Status(int ocfCode) {
            this.ocfCode = ocfCode;
        }
    }

    public static AgentResult ok() {
        return new AgentResult(Status.OK, "");
    }

    public static AgentResult notRunning() {
        return new AgentResult(Status.NOT_RUNNING, "");
    }

    public static AgentResult failed(String detail) {
        return new AgentResult(Status.FAILED, detail);
    }

    public static AgentResult configError(String detail) {
        return new AgentResult(Status.CONFIG_ERROR, detail);
    }

    public static AgentResult fatal(String detail) {
        return new AgentResult(Status.FATAL, detail);
    }

    public static AgentResult declined(String detail) {
        return new AgentResult(Status.DECLINED, detail);
    }

    public static AgentResult timeout(String detail) {
        return new AgentResult(Status.TIMEOUT, detail);
    }

    /** The operation succeeded, or the resource runs (in whichever role). */
    public boolean isOk() {
        return status == Status.OK || status == Status.PROMOTED;
    }

    public static AgentResult promoted() {
        return new AgentResult(Status.PROMOTED, "");
    }
}
