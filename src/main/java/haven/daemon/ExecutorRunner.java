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
    private final java.util.Optional<haven.executor.AgentSite> site;
    /** What each agent was built from: an unchanged resource keeps its agent (and its lane) across a change. */
    private Map<ResourceId, Built> builtFrom;

    /**
     * A resource's config and the environment its agent was given: the daemon's variables and the meta attributes
     * of its place in the config (CloneMeta), which change with its group although the resource does not.
     */
    private record Built(ResourceConfig config, Map<String, String> environment) {
        static Built of(ClusterConfig config, ResourceConfig rc, NodeId self, Map<String, String> daemon) {
            Map<String, String> env = new TreeMap<>(daemon);
            env.putAll(replicationEnvironment(config, self));
            env.putAll(haven.executor.agents.ocf.CloneMeta.of(config, rc, self));
            return new Built(rc, Map.copyOf(env));
        }

        ResourceAgent agent(java.util.Optional<haven.executor.AgentSite> site) {
            return AgentFactory.create(config, environment, site);
        }
    }

    private ExecutorRunner(Executor executor, NodeId self, Map<ResourceId, Built> builtFrom, Map<String, String> environment,
            java.util.Optional<haven.executor.agents.ocf.PromotionScores> scores, java.util.Optional<haven.executor.AgentSite> site) {
        this.executor = executor;
        this.site = site;
        this.self = self;
        this.builtFrom = builtFrom;
        this.environment = environment;
        this.scores = scores;
    }

    /** A runner whose agents cannot set promotion scores (a witness runs no resources). */
    public static OperationRunner create(ClusterConfig config, NodeId self) {
        return create(config, self, java.util.Optional.empty(), java.util.Optional.empty());
    }

    /**
     * {@code scores}: where the agents' crm_master and crm_attribute keep what they set (see PromotionScores);
     * {@code site}: the daemon's state folder and key, for built-in agents that keep state (replicated-dir).
     */
    public static OperationRunner create(ClusterConfig config, NodeId self, java.util.Optional<haven.executor.agents.ocf.PromotionScores> scores,
            java.util.Optional<haven.executor.AgentSite> site) {
        Map<String, String> environment = new TreeMap<>(Map.of("HAVEN_NODE", self.name(), "HAVEN_CLUSTER", config.clusterName()));
        scores.ifPresent(s -> environment.putAll(s.environment()));
        Map<ResourceId, ResourceAgent> agents = new TreeMap<>();
        Map<ResourceId, Built> from = new TreeMap<>();
        for (ResourceConfig rc : runHere(config, self)) {
            Built built = Built.of(config, rc, self, environment);
            agents.put(rc.id(), built.agent(site));
            from.put(rc.id(), built);
        }
        return new ExecutorRunner(new Executor(agents), self, from, Map.copyOf(environment), scores, site);
    }

    /**
     * Where replicated data goes, for agents and scripts that copy it: this node's address on the replication
     * network ({@code HAVEN_REPLICATION_ADDRESS}) and every other service node's ({@code HAVEN_REPLICATION_PEERS},
     * {@code name=address} separated by spaces); a node without a replication address gives its cluster address;
     * and how long a node cut off from the others can still act ({@code HAVEN_LOST_AFTER_MS}, Timing#lostAfter).
     */
    static Map<String, String> replicationEnvironment(ClusterConfig config, NodeId self) {
        Map<String, String> env = new TreeMap<>();
        config.node(self).ifPresent(n -> env.put("HAVEN_REPLICATION_ADDRESS", n.dataAddress()));
        // How long a cut-off node can still hold its lease and act: a primary left without replicas waits that long
        // before it confirms writes alone, so that a cut-off one never does (replicated-dir).
        env.put("HAVEN_LOST_AFTER_MS", Long.toString(config.timing().lostAfter().toMillis()));
        env.put("HAVEN_REPLICATION_PEERS", config.nodes().stream().filter(n -> !n.isWitness() && !n.id().equals(self))
                .map(n -> n.id().name() + "=" + n.dataAddress()).collect(java.util.stream.Collectors.joining(" ")));
        return env;
    }

    @Override
    public Map<String, String> replicationStatus(ResourceId resource) {
        ResourceAgent agent = executor.agents().get(resource);
        return agent == null ? Map.of() : agent.replicationStatus();
    }

    /** A built-in agent's own score first (not bound to crm_master's ±INFINITY), then what crm_master set. */
    @Override
    public java.util.Optional<Long> promotionScore(ResourceId resource) {
        ResourceAgent agent = executor.agents().get(resource);
        java.util.Optional<Long> own = agent == null ? java.util.Optional.empty() : agent.promotionScore();
        if (own.isPresent()) return own;
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
        Map<ResourceId, Built> from = new TreeMap<>();
        Map<ResourceId, ResourceAgent> now = executor.agents();
        for (ResourceConfig rc : runHere(next, self)) {
            Built built = Built.of(next, rc, self, environment);
            boolean same = built.equals(builtFrom.get(rc.id())) && now.containsKey(rc.id());
            agents.put(rc.id(), same ? now.get(rc.id()) : built.agent(site));
            from.put(rc.id(), built);
        }
        executor.replaceAgents(agents);
        builtFrom = from;
    }

    @Override
    public void submit(ResourceId resource, Operation op, Duration timeout, long generation, Consumer<AgentResult> whenDone) {
        executor.submit(resource, op, timeout, generation, whenDone);
    }

    @Override
    public void submitNotify(ResourceId resource, Duration timeout, haven.core.Notice notice, Consumer<AgentResult> whenDone) {
        executor.submitNotify(resource, timeout, notice, whenDone);
    }

    @Override
    public void onUnexpectedFailure(BiConsumer<ResourceId, String> listener) {
        executor.onUnexpectedFailure(listener);
    }

    @Override
    public void viewChanged(List<haven.core.NodeId> members) {
        site.ifPresent(s -> s.view().update(members));
    }

    @Override
    public void onInSyncChange(Consumer<haven.core.InSyncChange> listener) {
        site.ifPresent(s -> s.directories().onInSyncChange(listener));
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
