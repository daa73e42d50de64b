package haven.executor.agents.ocf;

import haven.config.OcfParameterName;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment an OCF agent reads, as the OCF standard (resource-agent API 1.1) and Pacemaker define it:
 * where the OCF root is, which instance and agent this is, each parameter as {@code OCF_RESKEY_name}, and
 * the operation's timeout and interval in milliseconds as {@code OCF_RESKEY_CRM_meta_*} (agents such as
 * IPaddr2 and nginx size their own waits from these). Pure: the same inputs give the same map.
 */
public final class OcfEnvironment {
    public static final String RA_VERSION_MAJOR = "1";
    public static final String RA_VERSION_MINOR = "1";
    public static final String GENERATION_VARIABLE = "HAVEN_GENERATION";

    private OcfEnvironment() {}

    /** One call: which action, its timeout, its interval (zero unless a recurring monitor), check level, generation (0: none). */
    public record Call(String action, Duration timeout, Duration interval, int checkLevel, long generation) {
        public static Call once(String action, Duration timeout) {
            return new Call(action, timeout, Duration.ZERO, 0, 0);
        }
    }

    /** The loader's rule ({@link OcfParameterName}): a config that loaded never breaks it. */
    public static boolean validParameterName(String name) {
        return OcfParameterName.valid(name);
    }

    public static Map<String, String> of(OcfRoot root, OcfType type, String instance, Map<String, String> params, Call call) {
        Map<String, String> env = new TreeMap<>();
        env.put("OCF_ROOT", root.dir().toString());
        env.put("OCF_RA_VERSION_MAJOR", RA_VERSION_MAJOR);
        env.put("OCF_RA_VERSION_MINOR", RA_VERSION_MINOR);
        env.put("OCF_RESOURCE_INSTANCE", instance);
        env.put("OCF_RESOURCE_TYPE", type.type());
        env.put("OCF_RESOURCE_PROVIDER", type.provider());
        env.put("OCF_CHECK_LEVEL", Integer.toString(call.checkLevel()));
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (!validParameterName(p.getKey())) {
                throw new IllegalArgumentException("parameter '" + p.getKey() + "' of " + instance + " cannot be passed to "
                        + type + " as OCF_RESKEY_" + p.getKey() + ": use letters, digits and '_' only");
            }
            env.put("OCF_RESKEY_" + p.getKey(), p.getValue());
        }
        env.put("OCF_RESKEY_CRM_meta_timeout", Long.toString(call.timeout().toMillis()));
        env.put("OCF_RESKEY_CRM_meta_interval", Long.toString(call.interval().toMillis()));
        if (call.generation() > 0) env.put(GENERATION_VARIABLE, Long.toString(call.generation()));
        return env;
    }
}
