package haven.lab;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a long-running command inside a namespace so that it outlives the command that started it: in a
 * session of its own (setsid, so a Ctrl-C at the terminal does not reach it), with its output appended to a
 * log file. Neither setsid nor `ip netns exec` forks here, so the PID returned is the command's own.
 */
public final class Detached {
    private static final java.time.Duration ENTER_LIMIT = java.time.Duration.ofSeconds(2);

    private Detached() {}

    /**
     * `ip netns exec` enters the namespace a moment after it was started; callers that look for the process
     * in the namespace right away (a fault that kills everything there) must not miss it.
     */
    private static void awaitInside(String ns, Process p) {
        long deadline = System.nanoTime() + ENTER_LIMIT.toNanos();
        while (p.isAlive() && !Netns.holds(ns, p.pid()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public static long start(String ns, List<String> command, Path log, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of("setsid"));
        cmd.addAll(Netns.execIn(ns, command.toArray(String[]::new)));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== haven lab: starting in " + ns + " at " + Instant.now() + ": "
                    + String.join(" ", command) + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Process p = pb.start();
            awaitInside(ns, p);
            return p.pid();
        } catch (IOException e) {
            throw new LabException("cannot start " + command.get(0) + " in " + ns + ": " + e.getMessage());
        }
    }
}
