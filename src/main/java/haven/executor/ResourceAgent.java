package haven.executor;

import haven.core.ForceOff;
import haven.core.AgentResult;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One configured resource's agent. Lifecycle: created from config once per daemon; operations are called
 * by the {@link Executor}, one at a time per resource, never concurrently.
 *
 * <p>Thread safety: operations run on an executor worker thread and may block up to their timeout; the
 * executor enforces the timeout too, so an agent that overruns is abandoned and reported TIMEOUT.
 *
 * <p>Contract: {@code start} returns OK only when the resource really serves (address present, process
 * up and its health check passing). {@code stop} returns OK only when nothing of the resource is left
 * (process group gone, address removed); stopping a stopped resource is OK. {@code monitor} returns OK,
 * NOT_RUNNING (cleanly stopped) or a failure.
 */
public interface ResourceAgent {
    AgentResult start(Duration timeout);

    /**
     * A start under placement generation {@code generation} (0: unknown). Agents that run programs hand it
     * to them as HAVEN_GENERATION; the default ignores it.
     */
    default AgentResult start(Duration timeout, long generation) {
        return start(timeout);
    }

    AgentResult stop(Duration timeout);

    AgentResult monitor(Duration timeout);

    /**
     * Applies the parameters this agent was built with to the running resource without stopping it. Only
     * called when the agent declared every changed parameter reloadable (haven.config.live.ReloadRules);
     * the default refuses.
     */
    default AgentResult reload(Duration timeout) {
        return AgentResult.configError("this agent cannot reload; the resource must be restarted instead");
    }

    /**
     * Takes the running instance into the primary role under generation {@code generation} (the promotion's
     * placement generation). Only members of a promotable group are promoted; the default refuses, since an
     * agent without a primary role cannot hold one (the config loader refuses such a member first).
     */
    default AgentResult promote(Duration timeout, long generation) {
        return AgentResult.configError("this agent has no primary role: it cannot be promoted");
    }

    /** Takes the primary role back, leaving a running replica; the default refuses, as {@link #promote} does. */
    default AgentResult demote(Duration timeout) {
        return AgentResult.configError("this agent has no primary role: it cannot be demoted");
    }

    /** Tells a running instance of another instance's action ({@link haven.core.Notice}); the default refuses. */
    default AgentResult notify(Duration timeout, haven.core.Notice notice) {
        return AgentResult.configError("this agent has no notify action");
    }

    /**
     * Registers a callback for failures the agent notices by itself between monitors (a supervised process
     * exiting). Called from any thread, at most once per failure; default: the agent notices nothing.
     */
    default void onUnexpectedFailure(Consumer<String> listener) {}

    /**
     * What would end this resource at once as far as the agent knows now (its address, the process group
     * of its current run); empty when there is nothing to end or nothing the agent can name. The guard
     * holds the latest answer for every resource that may be active.
     */
    default List<ForceOff> forceOff() {
        return List.of();
    }

    /**
     * The promotion score a built-in agent with a primary role sets for its instance here (replicated-dir), as of its
     * last operation; empty for the others, whose scores come from crm_master. Called from the event loop: must not
     * block.
     */
    default java.util.Optional<Long> promotionScore() {
        return java.util.Optional.empty();
    }

    /** What the agent knows of its replicated data here, for /ha (replicated-dir); empty by default. */
    default java.util.Map<String, String> replicationStatus() {
        return java.util.Map.of();
    }

    /** Registers a callback for when {@link #forceOff} changes outside an operation's result (a launch). */
    default void onForceOffChanged(Runnable listener) {}
}
