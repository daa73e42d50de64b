package haven.executor.agents.ocf;

import haven.executor.agents.ScriptCall;
import haven.process.ProcessRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Asks an installed agent for its meta-data, with the environment it would have in a cluster. */
public final class OcfMetadataReader {
    /** An agent prints meta-data from its own text; a slow one is broken. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private OcfMetadataReader() {}

    /** IllegalArgumentException naming the agent when it is missing, fails, or prints something else. */
    public static OcfMetadata read(OcfRoot root, OcfType type, String instance, List<String> prefix) {
        if (!root.installed(type)) {
            throw new IllegalArgumentException(type + " is not installed: no executable " + root.script(type));
        }
        ScriptCall call = new ScriptCall(prefix, root.script(type), instance);
        Map<String, String> env = OcfEnvironment.of(root, type, instance, Map.of(), OcfEnvironment.Call.once("meta-data", TIMEOUT));
        ProcessRunner.Result r = call.run("meta-data", env, TIMEOUT, true);
        if (!r.ok()) throw new IllegalArgumentException(type + " meta-data failed: " + r.describe());
        return OcfMetadataParser.parse(type.toString(), r.output());
    }
}
