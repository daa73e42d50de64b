package haven.config.live;

import haven.config.ResourceConfig;
import java.util.Set;

/**
 * Whether a running resource can take new parameter values by reload instead of a restart. Asking may run the
 * agent (for its meta-data), so the daemon asks while preparing a change, never the node's pure core.
 */
public interface ReloadRules {
    /** {@code changed}: the parameters whose value differs (added and removed ones included); never empty. */
    boolean reloads(ResourceConfig next, Set<String> changed);

    /** Every parameter change restarts: for agents that cannot say (and for tests that want restarts). */
    ReloadRules NEVER = (next, changed) -> false;
}
