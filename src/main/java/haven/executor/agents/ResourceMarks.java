package haven.executor.agents;

import haven.core.ForceOff;
import haven.process.MarkedProcesses;
import haven.process.RecordedGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The two marks by which a resource's processes are found without the daemon that started them: the group id
 * the launched shell records in {@code RUN_DIR/CLUSTER/NODE/RESOURCE.pgid} before it runs the command
 * ({@link RecordedGroup}; RUN_DIR is /run/haven, or the {@code haven.run.dir} property), and
 * {@code HAVEN_RESOURCE=CLUSTER/NODE/RESOURCE} in every process's environment ({@link MarkedProcesses}), which
 * reaches detached children of programs that leave their environment alone. Both are known before a start, so
 * the guard can be told them first.
 */
public final class ResourceMarks {
    private final String marker;
    private final RecordedGroup recorded;

    /** {@code environment}: what the daemon hands its agents (HAVEN_CLUSTER, HAVEN_NODE). */
    ResourceMarks(String resource, Map<String, String> environment) {
        this.marker = markerOf(resource, environment);
        this.recorded = new RecordedGroup(Path.of(System.getProperty("haven.run.dir", "/run/haven"), marker + ".pgid"));
    }

    /** {@code CLUSTER/NODE/RESOURCE}: the value of HAVEN_RESOURCE in the processes of {@code resource}, for every agent kind. */
    public static String markerOf(String resource, Map<String, String> environment) {
        return environment.getOrDefault("HAVEN_CLUSTER", "-") + "/" + environment.getOrDefault("HAVEN_NODE", "-") + "/" + resource;
    }

    String marker() {
        return marker;
    }

    /** The force-off steps that need no group id: valid before, during and after a start. */
    List<ForceOff> steps() {
        return List.of(new ForceOff.KillRecordedGroup(recorded.file().toString()), new ForceOff.KillMarked(marker));
    }

    /** Prepares {@code builder} to run {@code command} with both marks; IOException when the record's folder cannot be made. */
    ProcessBuilder launch(String command) throws IOException {
        Files.createDirectories(recorded.file().getParent());
        ProcessBuilder builder = new ProcessBuilder(RecordedGroup.launcher(recorded.file(), command));
        builder.environment().put(MarkedProcesses.VARIABLE, marker);
        return builder;
    }

    /** Processes bearing either mark: leftovers of an earlier run whenever no launch of this agent runs. */
    List<Long> find() {
        Set<Long> all = new TreeSet<>(recorded.members());
        all.addAll(MarkedProcesses.find(marker));
        return List.copyOf(all);
    }

    /** Ends what {@link #find} finds: SIGTERM, {@code grace}, SIGKILL. Empty when none is left, else why. */
    Optional<String> endLeftovers(Duration grace, Duration killWait, System.Logger log, String resource) {
        List<Long> found = find();
        if (found.isEmpty()) return Optional.empty();
        boolean gone = recorded.terminate(grace, killWait) & MarkedProcesses.terminate(marker, grace, killWait);
        log.log(System.Logger.Level.WARNING, resource + ": ended " + found.size() + " processes left over from an earlier run " + found
                + (gone ? "" : "; some survive SIGKILL: " + find()));
        return gone ? Optional.empty() : Optional.of("processes left over from an earlier run survive SIGKILL: " + find());
    }

    /** The group recorded has ended (a clean stop): its record goes. */
    void forgetGroup() {
        recorded.forget();
    }
}
