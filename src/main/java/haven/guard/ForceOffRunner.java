package haven.guard;

import haven.executor.ForceOff;
import haven.executor.runner.ProcessGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Carries out force-off steps in the guard's own network namespace (the node's). Each step reports what it
 * did as a line for the log; none throws, because a guard that stops at the first error would leave the
 * rest running.
 */
public final class ForceOffRunner {
    static final Duration COMMAND_LIMIT = Duration.ofSeconds(2);
    static final Duration KILL_WAIT = Duration.ofSeconds(2);

    /** What one step did: whether the resource's part is gone, and a line for the log. */
    public record Outcome(boolean ok, String text) {}

    public Outcome run(ForceOff step) {
        return switch (step) {
            case ForceOff.KillGroup g -> ProcessGroup.killGroup(g.pgid(), KILL_WAIT)
                    ? new Outcome(true, "process group " + g.pgid() + " killed")
                    : new Outcome(false, "process group " + g.pgid() + " STILL HAS MEMBERS after SIGKILL");
            case ForceOff.RemoveAddress a -> removeAddress(a.cidr());
        };
    }

    /**
     * Runs the address query once at start: the first run of a code path in a fresh JVM pays for class
     * loading, and the first real force-off must not.
     */
    public void warmUp() {
        try {
            devicesHolding("0.0.0.0/32");
        } catch (IOException e) {
            // the real force-off will say what is wrong
        }
    }

    private Outcome removeAddress(String cidr) {
        try {
            List<String> devices = devicesHolding(cidr);
            if (devices.isEmpty()) return new Outcome(true, "address " + cidr + " was not present");
            List<String> done = new ArrayList<>();
            boolean all = true;
            for (String dev : devices) {
                Result r = exec("ip", "addr", "del", cidr, "dev", dev);
                all &= r.ok();
                done.add(r.ok() ? "removed from " + dev : "NOT removed from " + dev + ": " + r.output().strip());
            }
            return new Outcome(all, "address " + cidr + " " + String.join(", ", done));
        } catch (IOException e) {
            return new Outcome(false, "address " + cidr + " NOT removed: " + e.getMessage());
        }
    }

    /** Interfaces whose address list has exactly this address and prefix length. */
    private List<String> devicesHolding(String cidr) throws IOException {
        Result r = exec("ip", "-o", "-4", "addr", "show");
        if (!r.ok()) throw new IOException("ip addr show failed: " + r.output().strip());
        List<String> devices = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            String[] f = line.trim().split("\\s+");
            for (int i = 2; i + 1 < f.length; i++) {
                if (f[i].equals("inet") && f[i + 1].equals(cidr)) {
                    String dev = f[1].endsWith(":") ? f[1].substring(0, f[1].length() - 1) : f[1];
                    int at = dev.indexOf('@');
                    devices.add(at < 0 ? dev : dev.substring(0, at));
                }
            }
        }
        return devices;
    }

    private record Result(boolean ok, String output) {}

    private static Result exec(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                out.complete(p.getInputStream().readAllBytes());
            } catch (IOException e) {
                out.complete(new byte[0]);
            }
        });
        try {
            if (!p.waitFor(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(false, String.join(" ", argv) + " did not finish within " + COMMAND_LIMIT.toMillis() + " ms");
            }
            byte[] bytes = out.get(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(p.exitValue() == 0, new String(bytes, StandardCharsets.UTF_8));
        } catch (ExecutionException | TimeoutException e) {
            return new Result(false, "output of " + String.join(" ", argv) + " not readable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted");
        }
    }
}
