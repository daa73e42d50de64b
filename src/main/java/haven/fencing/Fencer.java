package haven.fencing;

import haven.config.fence.FencingTopology;
import haven.config.fence.FenceDevice;
import haven.core.Ticker;
import haven.process.ProcessGroup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fences a node through its topology by driving a {@link FenceWalk} (the levels in order, every device of a
 * level, until a level succeeds) with real agents. After an agent reports {@code off}, a {@code status} run confirms it when the agent has that
 * action: a plug still reported on fails the device, while a status that gives no answer leaves the off's
 * own success standing (the agent's exit 0 is the protocol's promise) and is recorded as unconfirmed.
 *
 * <p>{@code reboot} on a level of several devices is done as off on all of them, then on on all of them:
 * rebooting one power supply after the other would never take the machine's power away. The node counts
 * as fenced once every off succeeded; a failed power-on afterwards is kept in the history.
 *
 * <p>Thread safety: {@link #fence} may be called from several threads at once (for different targets);
 * it blocks for the agents' run times and the devices' delays and may be interrupted.
 */
public final class Fencer {
    /** Metadata is printed from the agent's own text, without touching the device: it is quick or broken. */
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private final FencingTopology topology;
    private final AgentLocator locator;
    private final FenceAgentRunner runner;
    private final Clock clock;
    private final Ticker ticker;
    private final Pause pause;
    /** Metadata does not change while haven runs. */
    private final Map<Path, Optional<AgentMetadata>> metadata = new ConcurrentHashMap<>();

    /** Waits out a device's delay. Tests pass one that only moves their own clock forward. */
    @FunctionalInterface
    public interface Pause {
        void sleep(Duration d) throws InterruptedException;

        Pause REAL = Thread::sleep;
    }

    public Fencer(FencingTopology topology) {
        this(topology, AgentLocator.standard(), new FenceAgentRunner(), Clock.systemUTC(), Ticker.SYSTEM, Pause.REAL);
    }

    /**
     * @param clock  stamps each attempt's start, for people to read
     * @param ticker measures how long a fencing took
     * @param pause  waits out the devices' delays
     */
    public Fencer(FencingTopology topology, AgentLocator locator, FenceAgentRunner runner, Clock clock, Ticker ticker,
            Pause pause) {
        this.topology = topology;
        this.locator = locator;
        this.runner = runner;
        this.clock = clock;
        this.ticker = ticker;
        this.pause = pause;
    }

    public FencingTopology topology() {
        return topology;
    }

    /**
     * Fences {@code target} with {@code action} (off, reboot, or on to unfence). Never throws for agent
     * failures: the outcome says what happened.
     *
     * @throws ProcessGroup.CancelledException if the thread is interrupted (a running agent is killed first)
     */
    public FenceOutcome fence(String target, FenceAction action) {
        FenceWalk walk = FenceWalk.start(topology, target, action, ticker.nowMs());
        List<FenceAttempt> history = new ArrayList<>();
        FenceWalk.Next next = walk.next();
        while (next instanceof FenceWalk.RunDevice run) {
            next = walk.report(runDevice(target, run.action(), run.level().index(), run.device(), history), ticker.nowMs());
        }
        return switch (next) {
            case FenceWalk.Fenced f -> {
                String devices = String.join(", ", f.level().devices());
                // Each level is walked once: its runs are the history's entries of that level.
                String note = history.stream().filter(a -> a.level() == f.level().index())
                        .filter(a -> a.verdict() == FenceAttempt.Verdict.STATUS_UNKNOWN
                                || (a.action() == FenceAction.ON && !a.verdict().good()))
                        .map(a -> a.device() + " " + a.action() + " " + a.verdict())
                        .reduce((a, b) -> a + ", " + b).map(s -> " (note: " + s + ")").orElse("");
                yield new FenceOutcome(target, action, true, f.level().index(), history, target + " fenced (" + action
                        + ") by level " + f.level().index() + " (" + devices + ")" + note, Duration.ofMillis(f.tookMs()));
            }
            case FenceWalk.NotFenced n -> new FenceOutcome(target, action, false, 0, history, n.summary(), Duration.ofMillis(n.tookMs()));
            case FenceWalk.RunDevice r -> throw new IllegalStateException("unreachable: the loop runs every device");
        };
    }

    /** One device's part: delay, action, confirmation. Empty on success, else why it failed. */
    private Optional<String> runDevice(String target, FenceAction action, int level, FenceDevice device,
            List<FenceAttempt> history) {
        String plug = device.plugFor(target).orElseThrow();
        Path agent;
        try {
            agent = locator.locate(device.agent());
        } catch (FenceException e) {
            history.add(FenceAttempt.notRun(clock.instant(), level, device.name(), action, plug, e.getMessage()));
            return Optional.of(device.name() + ": " + e.getMessage());
        }
        Optional<AgentMetadata> md = metadataOf(agent, min(device.timeout(), METADATA_TIMEOUT));
        Map<String, String> params = new java.util.LinkedHashMap<>(device.params());
        params.put(md.map(AgentMetadata::plugParameter).orElse("plug"), plug);
        // The protocol's name for the cluster node being fenced; agents that do not use it ignore it quietly.
        params.put("nodename", target);

        if (action.cutsPower() && !device.delay().isZero()) pause(device.delay());
        FenceAttempt main = attempt(level, device, plug, agent, action, params);
        history.add(main);
        if (!main.verdict().good()) return Optional.of(main.describe());

        if (action == FenceAction.OFF && md.map(m -> m.supports(FenceAction.STATUS)).orElse(true)) {
            FenceAttempt check = attempt(level, device, plug, agent, FenceAction.STATUS, params);
            history.add(check);
            if (check.verdict() == FenceAttempt.Verdict.STILL_ON) {
                return Optional.of(device.name() + " reported off done, but its status still says " + plug + " is on");
            }
        }
        return Optional.empty();
    }

    private FenceAttempt attempt(int level, FenceDevice device, String plug, Path agent, FenceAction action,
            Map<String, String> params) {
        var started = clock.instant();
        AgentRun run = runner.run(List.of(agent.toString()), action, params, device.timeout());
        return FenceAttempt.of(started, level, device.name(), plug, run);
    }

    /**
     * Checks every device before it is needed: its agent is installed, describes itself, and accepts the
     * device's parameters. Meant for start-up and config checks; warms the metadata cache as it goes.
     */
    public List<ParameterProblem> checkDevices() {
        List<ParameterProblem> problems = new ArrayList<>();
        for (FenceDevice d : topology.devices()) {
            Path agent;
            try {
                agent = locator.locate(d.agent());
            } catch (FenceException e) {
                problems.add(new ParameterProblem(d.name(), "agent", true, e.getMessage()));
                continue;
            }
            AgentRun run = runner.run(List.of(agent.toString()), FenceAction.METADATA, Map.of(), min(d.timeout(), METADATA_TIMEOUT));
            if (!run.ok()) {
                problems.add(new ParameterProblem(d.name(), "agent", true, "agent " + agent + " cannot describe"
                        + " itself (" + run.describe() + "); check that it runs on this host"));
                continue;
            }
            try {
                AgentMetadata md = MetadataParser.parse(agent.getFileName().toString(), run.stdout());
                metadata.putIfAbsent(agent, Optional.of(md));
                problems.addAll(ParameterCheck.check(d, md));
            } catch (FenceException e) {
                problems.add(new ParameterProblem(d.name(), "agent", true, e.getMessage()));
            }
        }
        return problems;
    }

    /** Cached once read; a failure is not cached, so an agent that could not answer once is asked again. */
    private Optional<AgentMetadata> metadataOf(Path agent, Duration timeout) {
        Optional<AgentMetadata> known = metadata.get(agent);
        if (known != null) return known;
        AgentRun run = runner.run(List.of(agent.toString()), FenceAction.METADATA, Map.of(), timeout);
        if (!run.ok()) return Optional.empty();
        try {
            Optional<AgentMetadata> md = Optional.of(MetadataParser.parse(agent.getFileName().toString(), run.stdout()));
            metadata.putIfAbsent(agent, md);
            return md;
        } catch (FenceException e) {
            return Optional.empty();
        }
    }

    private void pause(Duration d) {
        try {
            pause.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessGroup.CancelledException("interrupted during a fence delay");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

}
