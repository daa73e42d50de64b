package haven.replication;

import haven.core.InSyncChange;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The replicated directories of one daemon, by resource, so that a copy outlives the agent that drives it: a live
 * config change that rebuilds the agent without stopping the resource (a new monitor interval or timeout) hands the
 * running layer, replica server and port to the new agent instead of leaving them to nobody. A copy whose settings
 * changed was stopped by the config change first (its parameters restart it); one still running then is stopped
 * here, so that two never hold one directory or port.
 */
public final class ReplicatedDirectories {
    private final Map<String, ReplicatedDirectory> byResource = new HashMap<>();
    private volatile Consumer<InSyncChange> inSyncListener = change -> { };

    /** Who hears of every copy's in-sync set changes (the daemon's events), including copies opened before. */
    public void onInSyncChange(Consumer<InSyncChange> listener) {
        inSyncListener = listener;
    }

    /** The running copy of {@code settings.resource()} when it was opened with the same settings, or a new one. */
    public synchronized ReplicatedDirectory open(ReplicatedDirectory.Settings settings, Consumer<String> log) {
        ReplicatedDirectory had = byResource.get(settings.resource());
        if (had != null && had.settings().equals(settings)) return had;
        if (had != null && had.role() != ReplicatedDirectory.Role.STOPPED) {
            log.accept("its settings changed while it ran (" + had.settings().directory() + " on " + had.settings().listen()
                    + "): that copy stops and the new settings start from stopped");
            had.stop();
        }
        ReplicatedDirectory made = new ReplicatedDirectory(settings, log, change -> inSyncListener.accept(change));
        byResource.put(settings.resource(), made);
        return made;
    }
}
