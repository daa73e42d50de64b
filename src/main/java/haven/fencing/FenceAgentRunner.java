package haven.fencing;

import haven.config.fence.Secrets;
import haven.process.OutputTail;
import haven.process.ProcessGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one action of a fence agent the way the fence-agents protocol expects: no command-line arguments,
 * every argument a {@code key=value} line on stdin, the action among them. The agent runs in a process
 * group of its own; on timeout the whole group gets SIGKILL at once (an agent stuck on a dead device gets
 * no grace: the fencer has a level to try next), and whatever it left behind after a normal exit goes too.
 *
 * <p>Thread safety: stateless apart from its settings; {@link #run} may be called from many threads. A
 * call blocks for at most the timeout plus {@link #KILL_WAIT} plus {@link #OUTPUT_DRAIN_LIMIT}.
 */
public final class FenceAgentRunner {
    /** How long to wait for the group to vanish after SIGKILL (a member in uninterruptible sleep). */
    public static final Duration KILL_WAIT = Duration.ofSeconds(2);
    /** A child that keeps our pipes open after the agent exited does not hold us longer than this. */
    public static final Duration OUTPUT_DRAIN_LIMIT = Duration.ofMillis(500);
    /** Metadata of the larger agents is 10 to 30 KB; list output of a big PDU a few KB. */
    public static final int STDOUT_LIMIT_BYTES = 256 * 1024;
    public static final int STDERR_LIMIT_BYTES = 16 * 1024;

    /**
     * Runs {@code action} with {@code params} (the device's parameters plus the plug, if any; not the
     * action, which this adds) and returns how it went; never throws for a failing agent.
     *
     * @param agent the command: the agent's path, or a prefix and the path ({@code ip netns exec NS PATH})
     * @throws ProcessGroup.CancelledException if the calling thread is interrupted (the agent is killed first)
     */
    public AgentRun run(List<String> agent, FenceAction action, Map<String, String> params, Duration timeout) {
        if (agent.isEmpty()) throw new IllegalArgumentException("no agent command given");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        Map<String, String> args = new LinkedHashMap<>();
        args.put("action", action.wire());
        params.forEach((k, v) -> {
            if (!k.equals("action")) args.put(k, v);
        });
        String stdin = StdinArgs.render(args);
        List<String> shown = StdinArgs.shown(args);
        Secrets secrets = Secrets.of(args);

        long startNs = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(agent);
        ProcessGroup group;
        try {
            group = ProcessGroup.start(builder);
        } catch (IOException e) {
            return new AgentRun(agent, action, shown, AgentRun.CANNOT_START, false, "",
                    "cannot start " + agent.get(0) + ": " + e.getMessage(), since(startNs));
        }
        OutputTail out = new OutputTail(STDOUT_LIMIT_BYTES);
        OutputTail err = new OutputTail(STDERR_LIMIT_BYTES);
        Thread outReader = drain(group.process().getInputStream(), out, "fence-out-" + group.pgid());
        Thread errReader = drain(group.process().getErrorStream(), err, "fence-err-" + group.pgid());
        feed(group.process().getOutputStream(), stdin);

        boolean exited;
        try {
            exited = group.process().waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            group.kill(KILL_WAIT);
            Thread.currentThread().interrupt();
            throw new ProcessGroup.CancelledException("interrupted while running fence agent " + agent + " " + action);
        }
        Duration elapsed = since(startNs);
        // Helpers the agent left behind (an ssh, a telnet) must not outlive it, whatever the outcome.
        group.kill(KILL_WAIT);
        join(outReader);
        join(errReader);
        int code = exited ? group.process().exitValue() : -1;
        return new AgentRun(agent, action, shown, code, !exited, secrets.mask(out.text()), secrets.mask(err.text()), elapsed);
    }

    /** The agent's whole input fits in a pipe buffer, so this never blocks on an agent that does not read. */
    private static void feed(OutputStream stdin, String text) {
        try (stdin) {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The agent exited or closed stdin without reading: its exit code tells the rest.
        }
    }

    private static Thread drain(InputStream in, OutputTail tail, String name) {
        return Thread.ofVirtual().name(name).start(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) tail.write(buf, 0, n);
            } catch (IOException e) {
                // pipe closed under us: what was read is what there is
            }
        });
    }

    private static void join(Thread t) {
        try {
            t.join(OUTPUT_DRAIN_LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration since(long startNs) {
        return Duration.ofNanos(System.nanoTime() - startNs);
    }

    /** The stdin text of the protocol, and its displayable form. */
    static final class StdinArgs {
        private StdinArgs() {}

        static String render(Map<String, String> args) {
            StringBuilder sb = new StringBuilder();
            args.forEach((k, v) -> {
                check(k, v);
                sb.append(k).append('=').append(v).append('\n');
            });
            return sb.toString();
        }

        static List<String> shown(Map<String, String> args) {
            List<String> lines = new ArrayList<>();
            args.forEach((k, v) -> lines.add(Secrets.show(k, v)));
            return lines;
        }

        static void check(String key, String value) {
            haven.config.fence.FenceAgents.checkArgument(key, value);
        }
    }
}
