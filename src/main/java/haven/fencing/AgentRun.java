package haven.fencing;

import haven.process.OutputTail;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of one run of a fence agent. Passwords are already masked in every field, so a run may be
 * logged, shown and kept as it is.
 *
 * @param agent    the command that was run (the agent's path, perhaps behind a prefix such as ip netns exec)
 * @param args     the {@code key=value} lines it was given on stdin, secrets masked
 * @param exitCode the agent's exit status (128+N when killed by signal N, 127 when it could not start);
 *                 meaningless when {@code timedOut}
 * @param stdout   what it printed on stdout (bounded: metadata, list output, or the start of a long text)
 * @param stderr   the last part of what it printed on stderr, where agents log their errors
 */
public record AgentRun(List<String> agent, FenceAction action, List<String> args, int exitCode, boolean timedOut,
        String stdout, String stderr, Duration elapsed) {
    public static final int CANNOT_START = 127;

    public AgentRun {
        agent = List.copyOf(agent);
        args = List.copyOf(args);
    }

    /** Did the action succeed? For {@code status}, an answer of "off" is a success too. */
    public boolean ok() {
        if (timedOut) return false;
        return action == FenceAction.STATUS ? power() != PowerState.UNKNOWN : exitCode == 0;
    }

    /** For a {@code status} run: what the agent said about the plug. */
    public PowerState power() {
        return timedOut ? PowerState.UNKNOWN : PowerState.fromStatusExit(exitCode);
    }

    /** For a {@code list} run: the plugs the device knows. */
    public List<Plug> plugs() {
        return Plug.parseList(stdout);
    }

    /** How the run ended, in words: "exit 0", "timed out after 20000 ms", "status: off (exit 2)". */
    public String result() {
        if (timedOut) return "timed out after " + elapsed.toMillis() + " ms (process group killed)";
        if (exitCode == CANNOT_START && !stderr.isEmpty() && stderr.startsWith("cannot start")) return stderr.strip();
        if (action == FenceAction.STATUS) {
            return switch (power()) {
                case ON -> "status: on (exit 0)";
                case OFF -> "status: off (exit 2)";
                case UNKNOWN -> "status unknown (exit " + exitCode + ")";
            };
        }
        return "exit " + exitCode;
    }

    /** The last lines of output that explain a result: stderr first, where agents report failures. */
    public String outputTail(int lines) {
        String err = OutputTail.lastLinesOf(stderr, lines);
        if (!err.isBlank() || action == FenceAction.METADATA || action == FenceAction.LIST) return err;
        return OutputTail.lastLinesOf(stdout, lines);
    }

    /** One line for logs and error messages: agent, action, how it ended and why. */
    public String describe() {
        String tail = outputTail(3).replace('\n', ' ').strip();
        return agentName() + " " + action + ": " + result() + " in " + elapsed.toMillis() + " ms"
                + (tail.isEmpty() ? "" : ": " + tail);
    }

    private String agentName() {
        return agent.isEmpty() ? "(no agent)" : agent.get(agent.size() - 1);
    }
}
