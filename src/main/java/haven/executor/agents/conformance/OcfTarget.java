package haven.executor.agents.conformance;

import haven.executor.agents.ScriptCall;
import haven.executor.agents.ocf.OcfEnvironment;
import haven.executor.agents.ocf.OcfExit;
import haven.executor.agents.ocf.OcfRoot;
import haven.executor.agents.ocf.OcfType;
import haven.process.ProcessRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An OCF agent as a test target, called with the same environment the daemon gives it. */
public final class OcfTarget implements Target {
    private final OcfRoot root;
    private final OcfType type;
    private final String instance;
    private final Map<String, String> params;
    private final ScriptCall script;

    /** {@code prefix}: put before the script, e.g. {@code ip netns exec NS}. */
    public OcfTarget(OcfRoot root, OcfType type, String instance, Map<String, String> params, List<String> prefix) {
        this.root = root;
        this.type = type;
        this.instance = instance;
        this.params = Map.copyOf(params);
        this.script = new ScriptCall(prefix, root.script(type), instance);
        // Checked here so that a bad name is a usage error, not nine failed steps.
        OcfEnvironment.of(root, type, instance, params, OcfEnvironment.Call.once("check", Duration.ZERO));
    }

    @Override
    public String name() {
        return type.toString();
    }

    @Override
    public Optional<String> missing() {
        return root.installed(type) ? Optional.empty()
                : Optional.of(type + " is not installed here: no executable " + root.script(type) + " (`haven agent list` shows what is)");
    }

    @Override
    public boolean hasMetadata() {
        return true;
    }

    @Override
    public ProcessRunner.Result call(String action, Duration timeout) {
        return script.run(action, OcfEnvironment.of(root, type, instance, params, OcfEnvironment.Call.once(action, timeout)),
                timeout, action.equals("meta-data"));
    }

    @Override
    public String monitorAction() {
        return "monitor";
    }

    @Override
    public int notRunningCode() {
        return OcfExit.NOT_RUNNING.code;
    }

    @Override
    public String describeExit(String action, int code) {
        return OcfExit.describe(code);
    }
}
