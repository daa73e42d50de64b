package haven.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for an OCF parameter's name, used by the loader (with the parameter's place) and by the
 * executor (which only ever meets names the loader accepted). A parameter reaches its agent as the shell
 * variable {@code OCF_RESKEY_name}, so the name must be one; and {@code CRM_meta_*} is reserved: haven
 * itself passes the operation's timeout and interval as {@code OCF_RESKEY_CRM_meta_timeout} and
 * {@code _interval}, as Pacemaker does, and a parameter of that name would be overwritten or would
 * overwrite them.
 */
public final class OcfParameterName {
    public static final String RESERVED_PREFIX = "CRM_meta_";
    private static final Pattern SHELL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private OcfParameterName() {}

    public static boolean valid(String name) {
        return problem(name).isEmpty();
    }

    /** What is wrong with {@code name} as an OCF parameter ("is not ..."), or empty. */
    public static Optional<String> problem(String name) {
        if (!SHELL_NAME.matcher(name).matches()) {
            return Optional.of("is not an OCF parameter name");
        }
        if (name.startsWith(RESERVED_PREFIX)) {
            return Optional.of("is reserved: names starting with " + RESERVED_PREFIX + " are the operation's own settings");
        }
        return Optional.empty();
    }

    /** How to fix a name {@link #problem} refused. */
    static String hint(String name, String agentType) {
        if (name.startsWith(RESERVED_PREFIX) && SHELL_NAME.matcher(name).matches()) {
            return "haven passes each operation's timeout and interval as OCF_RESKEY_CRM_meta_timeout and "
                    + "OCF_RESKEY_CRM_meta_interval; set start_timeout, monitor_interval and the like on the resource "
                    + "instead, and remove this parameter";
        }
        return "OCF passes it as the shell variable OCF_RESKEY_" + name + ": use letters, digits and '_'; "
                + "`haven agent info " + agentType + "` lists the parameters";
    }
}
