package haven.guard;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts the guard on the kernel's round-robin real-time scheduler, as corosync and sbd put themselves:
 * the guard must force a node's resources off by the end of its lease even when the machine is saturated
 * (the lab showed a virtual IP on two nodes for ~0.2 s with the guard starved at a load of 20 on 2 cores).
 * It sleeps nearly always, so it costs others nothing; the kernel's real-time throttling (5 % of each second
 * left to others by default) bounds the harm of a bug. The processes it starts to force things off inherit
 * the policy. Done after the guard's warm-up, so class loading and compiling do not run at real-time.
 */
final class Realtime {
    static final int PRIORITY = 50;

    private Realtime() {}

    /** Returns what happened, for the guard's log; never throws. */
    static String raise(long pid) {
        List<String> argv = List.of("chrt", "--rr", "--all-tasks", "--pid", String.valueOf(PRIORITY), String.valueOf(pid));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "running at normal priority: chrt did not answer within 2 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? "running at real-time priority (SCHED_RR " + PRIORITY + ")"
                    : "running at normal priority: chrt said " + (out.isEmpty() ? "exit " + p.exitValue() : out);
        } catch (java.io.IOException e) {
            return "running at normal priority: chrt (util-linux) cannot be run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "running at normal priority: interrupted";
        }
    }
}
