package haven.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one short external command (ip, curl, kill) to completion and returns its exit code and output.
 * Every run has a timeout; on timeout the command is killed and the result has exit code {@link #TIMED_OUT},
 * so a hung tool can never hang the lab.
 */
public final class Exec {
    public static final int TIMED_OUT = -1;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public record Result(List<String> command, int code, String out, String err) {
        public boolean ok() {
            return code == 0;
        }

        /** Throws with the command and its stderr unless it exited 0. */
        public Result orThrow() {
            if (!ok()) {
                String why = code == TIMED_OUT ? "timed out" : "exit " + code;
                throw new LabException(String.join(" ", command) + " failed (" + why + ")"
                        + (err.isBlank() ? "" : ": " + err.strip()));
            }
            return this;
        }
    }

    private Exec() {}

    public static Result run(String... command) {
        return run(DEFAULT_TIMEOUT, command);
    }

    public static Result run(Duration timeout, String... command) {
        return run(timeout, Arrays.asList(command));
    }

    public static Result run(Duration timeout, List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            return new Result(List.copyOf(command), 127, "", "cannot start: " + e.getMessage());
        }
        // Both streams are drained concurrently so that a chatty command cannot block on a full pipe.
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                return new Result(List.copyOf(command), TIMED_OUT, "", "timed out after " + timeout.toMillis() + " ms");
            }
            return new Result(List.copyOf(command), p.exitValue(), out.get(2, TimeUnit.SECONDS),
                    err.get(2, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + String.join(" ", command));
        } catch (Exception e) {
            return new Result(List.copyOf(command), p.exitValue(), "", "output unreadable: " + e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        });
        return f;
    }
}
