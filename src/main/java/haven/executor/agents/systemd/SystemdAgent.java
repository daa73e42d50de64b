package haven.executor.agents.systemd;

import haven.config.ResourceConfig;
import haven.core.AgentResult;
import haven.executor.ResourceAgent;
import haven.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Type {@code systemd:UNIT}: a systemd unit, through systemctl start / stop / is-active. A unit name without
 * a suffix means {@code UNIT.service}. No parameters (the unit file holds its settings).
 *
 * <p>Only where systemd is PID 1: elsewhere systemctl cannot reach a manager, and every operation returns
 * a configuration error that says so and names the alternatives, rather than systemctl's "System has not
 * been booted with systemd" on every monitor.
 *
 * <p>Force-off: nothing; systemd owns the unit's processes (its cgroup), and the guard does not speak to
 * systemd.
 */
public final class SystemdAgent implements ResourceAgent {
    public static final String PREFIX = "systemd:";
    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9:_.@\\\\-]+");
    private static final Path PID1_COMM = Path.of("/proc/1/comm");
    private static final ProcessRunner RUNNER = new ProcessRunner();

    private final String unit;

    public SystemdAgent(ResourceConfig rc) {
        this.unit = unitName(rc.type());
        if (!rc.params().isEmpty()) {
            throw new IllegalArgumentException("resource " + rc.id() + " (type " + rc.type() + "): a systemd unit takes no "
                    + "parameters; remove params: and set them in the unit file (systemctl edit " + unit + ")");
        }
    }

    /** UNIT.service for a bare name; IllegalArgumentException naming the form when it is not a unit name. */
    public static String unitName(String type) {
        String n = type.startsWith(PREFIX) ? type.substring(PREFIX.length()) : "";
        if (n.isEmpty() || !UNIT.matcher(n).matches() || n.startsWith("-")) {
            throw new IllegalArgumentException("'" + type + "' is not a systemd unit: write systemd:UNIT, e.g. systemd:nginx "
                    + "or systemd:nginx.service");
        }
        return n.contains(".") ? n : n + ".service";
    }

    /** Why systemctl cannot work here, or empty where systemd is PID 1. */
    public static Optional<String> unavailable() {
        String pid1;
        try {
            pid1 = Files.readString(PID1_COMM).strip();
        } catch (IOException e) {
            pid1 = "unknown (" + PID1_COMM + " unreadable)";
        }
        if (pid1.equals("systemd")) return Optional.empty();
        return Optional.of("systemd is not running on this machine (PID 1 is " + pid1 + "); use lsb: or ocf: or process");
    }

    @Override
    public AgentResult start(Duration timeout) {
        return act("start", timeout);
    }

    @Override
    public AgentResult stop(Duration timeout) {
        return act("stop", timeout);
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        Optional<String> no = unavailable();
        if (no.isPresent()) return AgentResult.configError(unit + ": " + no.get());
        ProcessRunner.Result r = RUNNER.run(List.of("systemctl", "is-active", unit), timeout);
        if (r.timedOut()) return AgentResult.timeout(r.describe());
        String state = r.output().strip();
        return switch (state) {
            case "active", "reloading" -> AgentResult.ok();
            case "inactive" -> AgentResult.notRunning();
            default -> AgentResult.failed(unit + " is " + (state.isEmpty() ? "in an unknown state" : state) + ": " + r.describe());
        };
    }

    private AgentResult act(String verb, Duration timeout) {
        Optional<String> no = unavailable();
        if (no.isPresent()) return AgentResult.configError(unit + ": " + no.get());
        ProcessRunner.Result r = RUNNER.run(List.of("systemctl", verb, unit), timeout);
        if (r.timedOut()) return AgentResult.timeout(r.describe());
        if (r.ok()) return verb.equals("start") ? monitor(timeout) : AgentResult.ok();
        // systemctl exits 5 when the unit is not loaded (no such unit file on this node).
        return r.exitCode() == 5 ? AgentResult.configError(r.describe() + " [this node cannot run it]") : AgentResult.failed(r.describe());
    }
}
