package haven.daemon;

import haven.config.ClusterConfig;
import haven.config.ResourceConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.executor.AgentFactory;
import haven.core.AgentResult;
import haven.executor.Executor;
import haven.core.ForceOff;
import haven.core.Operation;
import haven.executor.ResourceAgent;
import haven.node.OperationRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Builds the real executor for a node: one agent per configured resource. Process commands see the node's
 * name as $HAVEN_NODE, so one config shared by every node can still name per-node paths.
 */
public final class ExecutorRunner implements OperationRunner {
    private final Executor executor;
    private final NodeId self;
    private final Map<String, String> environment;
    private final java.util.Optional<haven.executor.agents.ocf.PromotionScores> scores;
    /** The config each agent was built from: an unchanged resource keeps its agent (and its lane) across a change. */
    private Map<ResourceId, ResourceConfig> builtFrom;

    private ExecutorRunner(Executor executor, NodeId self, Map<ResourceId, ResourceConfig> builtFrom, Map<String, String> environment,
            java.util.Optional<haven.executor.agents.ocf.PromotionScores> scores) {
        this.executor = executor;
        this.self = self;
        this.builtFrom = builtFrom;
        this.environment = environment;
        this.scores = scores;
    }

    /** A runner whose agents cannot set promotion scores (a witness runs no resources). */
    public static OperationRunner create(ClusterConfig config, NodeId self) {
        return create(config, self, java.util.Optional.empty());
    }

    /** {@code scores}: where the agents' crm_master and crm_attribute keep what they set (see PromotionScores). */
    public static OperationRunner create(ClusterConfig config, NodeId self, java.util.Optional<haven.executor.agents.ocf.PromotionScores> scores) {
        Map<String, String> environment = new TreeMap<>(Map.of("HAVEN_NODE", self.name(), "HAVEN_CLUSTER", config.clusterName()));
        scores.ifPresent(s -> environment.putAll(s.environment()));
        Map<ResourceId, ResourceAgent> agents = new TreeMap<>();
        Map<ResourceId, ResourceConfig> from = new TreeMap<>();
        for (ResourceConfig rc : runHere(config, self)) {
            agents.put(rc.id(), AgentFactory.create(rc, environment));
            from.put(rc.id(), rc);
        }
        return new ExecutorRunner(new Executor(agents), self, from, Map.copyOf(environment), scores);
    }

    @Override
    public java.util.Optional<Long> promotionScore(ResourceId resource) {
        return scores.flatMap(s -> s.of(resource));
    }

    private static List<ResourceConfig> runHere(ClusterConfig config, NodeId self) {
        boolean witness = config.node(self).map(haven.config.NodeConfig::isWitness).orElse(false);
        return witness ? List.of() : config.resources();
    }

    /** Called on the node's event loop thread only. */
    @Override
    public void reconfigure(ClusterConfig next) {
        Map<ResourceId, ResourceAgent> agents = new TreeMap<>();
        Map<ResourceId, ResourceConfig> from = new TreeMap<>();
        Map<ResourceId, ResourceAgent> now = executor.agents();
        for (ResourceConfig rc : runHere(next, self)) {
            boolean same = rc.equals(builtFrom.get(rc.id())) && now.containsKey(rc.id());
            agents.put(rc.id(), same ? now.get(rc.id()) : AgentFactory.create(rc, environment));
            from.put(rc.id(), rc);
        }
        executor.replaceAgents(agents);
        builtFrom = from;
    }

    @Override
    public void submit(ResourceId resource, Operation op, Duration timeout, long generation, Consumer<AgentResult> whenDone) {
        executor.submit(resource, op, timeout, generation, whenDone);
    }

    @Override
    public void onUnexpectedFailure(BiConsumer<ResourceId, String> listener) {
        executor.onUnexpectedFailure(listener);
    }

    @Override
    public List<ForceOff> forceOff(ResourceId resource) {
        return executor.forceOff(resource);
    }

    @Override
    public void onForceOffChanged(Consumer<ResourceId> listener) {
        executor.onForceOffChanged(listener);
    }

    @Override
    public void close() {
        executor.close();
    }
}
