package haven.validation;

import haven.config.budget.YamlPlaces;
import haven.config.budget.Finding;
import haven.config.budget.Blame;
import haven.config.ClusterConfig;
import haven.config.budget.Finding.Severity;
import haven.fencing.AgentLocator;
import haven.fencing.AgentMetadata;
import haven.fencing.AgentRun;
import haven.fencing.FenceAction;
import haven.fencing.FenceAgentRunner;
import haven.config.fence.FenceDevice;
import haven.fencing.FenceException;
import haven.fencing.MetadataParser;
import haven.fencing.ParameterCheck;
import haven.fencing.ParameterProblem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks each fence device's agent, on this machine, what it accepts, and checks the device's parameters
 * against that: what the loader cannot know without running programs. An agent missing here is a warning,
 * not an error, since the file may be checked on a machine that is not a node; a parameter the agent does
 * not know or a required one left out is an error, since the device would fail on the day it is needed.
 */
public final class FenceAgentCheck {
    /** An agent prints its metadata from its own text without touching the device: quick, or broken. */
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final AgentLocator locator;
    private final FenceAgentRunner runner;
    /** Several devices often share one agent; it is asked once. */
    private final Map<Path, Optional<AgentMetadata>> metadata = new HashMap<>();

    public FenceAgentCheck(AgentLocator locator, FenceAgentRunner runner) {
        this.locator = locator;
        this.runner = runner;
    }

    /** @param yaml the text the config was loaded from, for places; null when it is not at hand */
    public List<Finding> run(ClusterConfig config, String yaml, String source) {
        if (config.fencing().isEmpty()) {
            return List.of();
        }
        Blame blame = Blame.lazy(source, yaml, config);
        List<Finding> found = new ArrayList<>();
        for (FenceDevice d : config.fencing().get().devices()) {
            found.addAll(check(d, blame));
        }
        return found;
    }

    private List<Finding> check(FenceDevice d, Blame blame) {
        String what = "fencing.devices[" + d.name() + "]";
        Path agent;
        try {
            agent = locator.locate(d.agent());
        } catch (FenceException e) {
            String searched = d.agent().contains("/") ? e.getMessage()
                    : "searched " + String.join(", ", AgentLocator.DEFAULT_DIRS.stream().map(Path::toString).toList())
                            + " and haven's own agents";
            return List.of(new Finding(Severity.WARNING, blame.problem(blame.device(d.name(), "agent"),
                    what + ".agent: fence agent '" + d.agent() + "' not found here, so its parameters were not checked",
                    "install fence-agents on every node (Debian: apt-get install fence-agents), or give the agent's "
                            + "absolute path (" + searched + ")")));
        }
        Optional<AgentMetadata> md = metadataOf(agent, d.timeout());
        if (md.isEmpty()) {
            return List.of(new Finding(Severity.WARNING, blame.problem(blame.device(d.name(), "agent"),
                    what + ".agent: " + agent + " did not describe its parameters, so they were not checked",
                    "run `haven fence metadata " + d.agent() + "` on this machine to see why; the agent may be "
                            + "missing a library it needs")));
        }
        List<Finding> found = new ArrayList<>();
        for (ParameterProblem p : ParameterCheck.check(d, md.get())) {
            Severity severity = p.error() ? Severity.ERROR : Severity.WARNING;
            found.add(new Finding(severity, blame.problem(
                    blame.device(d.name(), "params/" + p.parameter(), "params", "agent"),
                    what + ".params: " + p.message(),
                    "`haven fence metadata " + d.agent() + "` lists every parameter " + md.get().agent()
                            + " accepts, with its meaning")));
        }
        return found;
    }

    /** Not cached when the agent failed to answer: the next device may give it a longer timeout. */
    private Optional<AgentMetadata> metadataOf(Path agent, Duration deviceTimeout) {
        Optional<AgentMetadata> known = metadata.get(agent);
        if (known != null) {
            return known;
        }
        Duration timeout = deviceTimeout.compareTo(METADATA_TIMEOUT) < 0 ? deviceTimeout : METADATA_TIMEOUT;
        AgentRun run = runner.run(List.of(agent.toString()), FenceAction.METADATA, Map.of(), timeout);
        if (!run.ok()) {
            return Optional.empty();
        }
        try {
            Optional<AgentMetadata> md = Optional.of(MetadataParser.parse(agent.getFileName().toString(), run.stdout()));
            metadata.put(agent, md);
            return md;
        } catch (FenceException e) {
            return Optional.empty();
        }
    }
}
