package haven.executor;

import haven.core.ForceOff;
import haven.core.AgentResult;
import haven.core.Operation;
import haven.config.ResourceConfig;
import haven.core.ResourceId;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Runs agent operations on this node: one {@link ResourceAgent} per resource, operations of one resource
 * strictly one at a time in submission order, different resources in parallel (virtual threads).
 *
 * <p>Timeouts: the agent gets the operation's timeout and should answer within it; the executor waits
 * {@link #ABANDON_SLACK} longer (for the agent to tidy up what it launched), then abandons the call
 * (interrupts it) and reports TIMEOUT. An abandoned call that is still running delays the resource's next
 * operation, within that operation's own timeout, so two operations never overlap on one resource.
 *
 * <p>Failure: {@link #submit} never throws; an agent exception becomes FAILED with its message, an unknown
 * resource CONFIG_ERROR. Each resource's queue holds at most {@link #QUEUE_LIMIT} pending operations.
 *
 * <p>Thread safety: all methods may be called from any thread. Callbacks ({@code whenDone}, failure
 * listener) run on executor or agent threads; the daemon hands them to its event loop.
 *
 * <p>Lifecycle: {@link #close} stops the workers, not the resources: queued operations are reported as
 * not run, running ones get {@link #CLOSE_WAIT} to finish and are then abandoned.
 */
public final class Executor implements AutoCloseable {
    public static final Duration ABANDON_SLACK = Duration.ofSeconds(1);
    public static final int QUEUE_LIMIT = 64;
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(Executor.class.getName());

    /** Replaced whole (copy on write) by {@link #replaceAgents}; read without a lock. */
    private volatile Map<ResourceId, Lane> lanes;
    private volatile Map<ResourceId, ResourceAgent> agents;
    private final Duration abandonSlack;
    private volatile BiConsumer<ResourceId, String> failureListener = (id, why) -> {};
    private volatile Consumer<ResourceId> forceOffListener = id -> {};
    private volatile boolean closed;

    /** An executor over already-built agents (tests, or a daemon that builds its own). */
    public Executor(Map<ResourceId, ResourceAgent> agents) {
        this(agents, ABANDON_SLACK);
    }

    /** With another abandon slack: lets tests of overrunning agents finish quickly. */
    Executor(Map<ResourceId, ResourceAgent> agents, Duration abandonSlack) {
        Map<ResourceId, Lane> m = new TreeMap<>();
        agents.forEach((id, agent) -> {
            m.put(id, new Lane(id, agent, QUEUE_LIMIT, abandonSlack));
            agent.onUnexpectedFailure(why -> forwardFailure(id, why));
        });
        this.lanes = Collections.unmodifiableMap(m);
        this.agents = Collections.unmodifiableMap(new TreeMap<>(agents));
        this.abandonSlack = abandonSlack;
    }

    /**
     * A live config change: {@code next} is every resource's agent from now on. A resource whose agent is the
     * same object keeps its lane; a new or replaced agent gets a new lane; a resource not in {@code next} loses
     * its lane (its queued operations are refused). The node calls this only when no operation of a replaced
     * or removed resource is in flight.
     */
    public synchronized void replaceAgents(Map<ResourceId, ResourceAgent> next) {
        Map<ResourceId, Lane> m = new TreeMap<>();
        Map<ResourceId, ResourceAgent> old = agents;
        next.forEach((id, agent) -> {
            if (old.get(id) == agent) {
                m.put(id, lanes.get(id));
                return;
            }
            m.put(id, new Lane(id, agent, QUEUE_LIMIT, abandonSlack));
            agent.onUnexpectedFailure(why -> forwardFailure(id, why));
            agent.onForceOffChanged(() -> forceOffListener.accept(id));
        });
        Map<ResourceId, Lane> dropped = new TreeMap<>(lanes);
        dropped.keySet().removeIf(id -> m.get(id) == dropped.get(id));
        lanes = Collections.unmodifiableMap(m);
        agents = Collections.unmodifiableMap(new TreeMap<>(next));
        dropped.values().forEach(l -> l.refuseQueued("the resource's config changed before the operation ran"));
    }

    /** Each resource's agent now. */
    public Map<ResourceId, ResourceAgent> agents() {
        return agents;
    }

    /** Builds every resource's agent; throws IllegalArgumentException for an unknown type or bad parameters. */
    public static Executor forResources(Collection<ResourceConfig> resources) {
        Map<ResourceId, ResourceAgent> agents = new TreeMap<>();
        for (ResourceConfig rc : resources) agents.put(rc.id(), AgentFactory.create(rc));
        return new Executor(agents);
    }

    public Set<ResourceId> resources() {
        return lanes.keySet();
    }

    /**
     * Queues {@code op} on resource {@code id}; {@code whenDone} gets its result, exactly once, on an
     * executor thread.
     */
    public void submit(ResourceId id, Operation op, Duration timeout, Consumer<AgentResult> whenDone) {
        submit(id, op, timeout, 0, whenDone);
    }

    /** {@code generation}: passed to a start (see {@link ResourceAgent#start(Duration, long)}); 0 when unknown. */
    public void submit(ResourceId id, Operation op, Duration timeout, long generation, Consumer<AgentResult> whenDone) {
        enqueue(id, new Lane.Task(op, timeout, generation, whenDone));
    }

    /** A notify call ({@link Operation#NOTIFY}) telling {@code notice}; refused as {@link #submit} refuses. */
    public void submitNotify(ResourceId id, Duration timeout, haven.core.Notice notice, Consumer<AgentResult> whenDone) {
        enqueue(id, new Lane.Task(Operation.NOTIFY, timeout, 0, java.util.Optional.of(notice), whenDone));
    }

    private void enqueue(ResourceId id, Lane.Task task) {
        Consumer<AgentResult> whenDone = task.whenDone();
        if (whenDone == null) throw new NullPointerException("whenDone");
        Operation op = task.op();
        Duration timeout = task.timeout();
        Lane lane = lanes.get(id);
        AgentResult refused = null;
        if (closed) refused = AgentResult.failed("executor closed; " + op + " of " + id + " not run");
        else if (lane == null) refused = AgentResult.configError("no agent for resource " + id + " on this node; known: " + lanes.keySet());
        else if (op == null || timeout == null || timeout.isNegative() || timeout.isZero()) {
            refused = AgentResult.failed("bad request for " + id + ": operation " + op + ", timeout " + timeout);
        } else if (!lane.offer(task)) {
            refused = AgentResult.failed(id + " already has " + QUEUE_LIMIT + " operations queued; " + op + " not run");
        }
        if (refused != null) {
            AgentResult r = refused;
            Thread.ofVirtual().name("refused-" + id).start(() -> Lane.deliver(whenDone, r, String.valueOf(id)));
        }
    }

    /** Failures agents notice between operations (a supervised process exiting), with the resource. */
    public void onUnexpectedFailure(BiConsumer<ResourceId, String> listener) {
        this.failureListener = listener;
    }

    private void forwardFailure(ResourceId id, String why) {
        try {
            failureListener.accept(id, why);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "failure listener threw for " + id, e);
        }
    }

    /** What would end resource {@code id} at once, as its agent knows now (see {@link ResourceAgent#forceOff}). */
    public List<ForceOff> forceOff(ResourceId id) {
        ResourceAgent agent = agents.get(id);
        return agent == null ? List.of() : agent.forceOff();
    }

    /** Called with the resource whenever an agent's {@link ResourceAgent#forceOff} changes outside an operation. */
    public void onForceOffChanged(Consumer<ResourceId> listener) {
        forceOffListener = listener;
        agents.forEach((id, agent) -> agent.onForceOffChanged(() -> listener.accept(id)));
    }

    @Override
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Lane lane : lanes.values()) lane.refuseQueued("executor closed before the operation ran");
        for (Lane lane : lanes.values()) lane.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        for (Lane lane : lanes.values()) lane.abandonRunning();
    }
}
