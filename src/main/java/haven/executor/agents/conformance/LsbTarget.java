package haven.executor.agents.conformance;

import haven.executor.agents.ScriptCall;
import haven.executor.agents.lsb.LsbExit;
import haven.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An init script as a test target. */
public final class LsbTarget implements Target {
    private final String name;
    private final ScriptCall script;

    public LsbTarget(Path initDir, String name, String instance, List<String> prefix) {
        this.name = name;
        this.script = new ScriptCall(prefix, initDir.resolve(name), instance);
    }

    @Override
    public String name() {
        return "lsb:" + name;
    }

    @Override
    public Optional<String> missing() {
        Path p = script.script();
        return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.empty()
                : Optional.of("init script " + p + " does not exist or is not executable");
    }

    @Override
    public boolean hasMetadata() {
        return false;
    }

    @Override
    public ProcessRunner.Result call(String action, Duration timeout) {
        return script.run(action, Map.of(), timeout, false);
    }

    @Override
    public String monitorAction() {
        return "status";
    }

    @Override
    public int notRunningCode() {
        return 3;
    }

    @Override
    public String describeExit(String action, int code) {
        return action.equals("status") ? LsbExit.describeStatus(code) : LsbExit.describeAction(code);
    }
}
