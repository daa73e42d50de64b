package haven.guard;

import haven.core.ResourceId;
import haven.core.ForceOff;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The guard process: a small JVM beside each daemon that reads the daemon's pipe and forces off the
 * daemon's resources when the daemon dies (the pipe closes), when the deadline it was given passes, or at
 * an orderly exit for what the daemon failed to stop. It kills a daemon that stays silent too long.
 * It plays the part of a hardware watchdog for machines without one, at resource granularity.
 *
 * <p>Nodes run the native haven-guard (src/main/c), which does the same in a fraction of the memory; this one runs
 * where no C compiler built that, or with HAVEN_GUARD=java ({@link GuardCommand}). GuardConformanceTest keeps the
 * two in line: change both together.
 *
 * <p>Usage: {@code GuardMain DAEMON_PID HANG_LIMIT_MS NODE}. Messages: see {@link GuardMessage}.
 */
public final class GuardMain {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final long MAX_SLEEP_MS = 1000;
    /** When the steps that need no group id run again after a daemon is gone (see {@link #forceOffAll}). */
    private static final List<Long> SWEEP_AFTER_MS = List.of(100L, 900L);

    private final long daemonPid;
    private final String node;
    private final GuardState state;
    private final ForceOffRunner runner = new ForceOffRunner();
    /** Lines from the daemon; an empty Optional marks the end of the pipe. */
    private final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();

    private final Optional<java.nio.file.Path> watchdogPath;
    private Optional<Watchdog> watchdog = Optional.empty();
    /** Whether some force-off failed: something of this node's may still run, which only a reset ends. */
    private boolean unforced = false;

    private GuardMain(long daemonPid, long hangLimitMs, String node, Optional<java.nio.file.Path> watchdogPath) {
        this.daemonPid = daemonPid;
        this.node = node;
        this.state = new GuardState(hangLimitMs, nowMs());
        this.watchdogPath = watchdogPath;
    }

    public static void main(String[] args) {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: GuardMain DAEMON_PID HANG_LIMIT_MS NODE [WATCHDOG_DEVICE] (started by `haven node`, not by hand)");
            System.exit(2);
        }
        Optional<java.nio.file.Path> device = args.length == 4 ? Optional.of(java.nio.file.Path.of(args[3])) : Optional.empty();
        new GuardMain(Long.parseLong(args[0]), Long.parseLong(args[1]), args[2], device).run();
    }

    private void run() {
        Thread reader = new Thread(this::readPipe, "guard-pipe");
        reader.setDaemon(true);
        reader.start();
        runner.warmUp();
        log("watching daemon PID " + daemonPid + ", " + Realtime.raise(ProcessHandle.current().pid()));
        watchdogPath.ifPresent(path -> {
            Watchdog.Result opened = Watchdog.open(path);
            watchdog = opened.watchdog();
            log(opened.text());
        });
        try {
            watch();
        } finally {
            releaseWatchdog();
        }
    }

    private void watch() {
        while (true) {
            watchdog.flatMap(w -> unforced ? Optional.empty() : w.pet()).ifPresent(this::log);
            Optional<String> line;
            try {
                line = lines.poll(state.sleepMs(nowMs(), MAX_SLEEP_MS), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                line = null;
            }
            if (line != null && line.isEmpty()) {
                forceOffAll("the daemon is gone (its pipe closed)");
                return;
            }
            if (line != null && take(line.get())) {
                forceOffAll("the daemon exited with resources it did not stop");
                log("daemon exited in order; guard done");
                return;
            }
            long now = nowMs();
            if (state.deadlinePassed(now)) {
                forceOff(state.armedAtDeadline(), "deadline passed " + (now - state.deadlineMs()) + " ms ago (lease lost, or the daemon is frozen)");
            }
            if (state.daemonHung(now)) {
                forceOffAll("the daemon has been silent too long");
                killDaemon();
                state.stopHangCheck();
            }
        }
    }

    private boolean take(String text) {
        try {
            return state.heard(GuardMessage.parse(text), nowMs());
        } catch (IllegalArgumentException e) {
            // A garbled line must not stop the guard: everything else it was told still stands.
            log("ignored a bad line from the daemon: " + e.getMessage());
            return false;
        }
    }

    /** Disarmed only when nothing of this node's can still run; otherwise the device resets the machine. */
    private void releaseWatchdog() {
        watchdog.ifPresent(w -> {
            if (unforced) {
                w.abandon();
                log("WATCHDOG left armed: something here could not be forced off; the kernel will reset this machine");
            } else {
                w.close();
                log("watchdog disarmed");
            }
        });
    }

    private void forceOffAll(String why) {
        if (!state.anyArmed()) return;
        Map<ResourceId, List<ForceOff>> all = state.takeArmed();
        forceOff(all, why);
        // A start the daemon had begun may not have recorded its group yet (its shell writes the record a few ms
        // after the fork, and before the exec nothing carries the marker): look again once it has had time to.
        for (long ms : SWEEP_AFTER_MS) {
            sleep(ms);
            ForceOffRunner.Report again = runner.sweep(all);
            unforced |= !again.ok();
            again.lines().forEach(line -> log("second look:" + line));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forceOff(Map<ResourceId, List<ForceOff>> all, String why) {
        log("forcing off " + all.keySet() + ": " + why);
        ForceOffRunner.Report report = runner.runAll(all);
        unforced |= !report.ok();
        report.lines().forEach(this::log);
    }

    private void killDaemon() {
        Optional<ProcessHandle> daemon = ProcessHandle.of(daemonPid);
        if (daemon.isPresent() && daemon.get().isAlive()) {
            log("killing the silent daemon (PID " + daemonPid + ") so that the cluster sees it gone");
            daemon.get().destroyForcibly();
        }
    }

    private void readPipe() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) lines.add(Optional.of(line));
            }
        } catch (IOException e) {
            log("pipe from the daemon broke: " + e.getMessage());
        }
        lines.add(Optional.empty());
    }

    private void log(String text) {
        System.out.println(LocalTime.now().format(TIME) + " guard of " + node + ": " + text);
        System.out.flush();
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000L;
    }
}
