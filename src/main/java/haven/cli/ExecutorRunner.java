package haven.cli;

import haven.config.ClusterConfig;
import haven.config.ResourceConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.executor.AgentFactory;
import haven.executor.AgentResult;
import haven.executor.Executor;
import haven.executor.ForceOff;
import haven.executor.Operation;
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
final class ExecutorRunner implements OperationRunner {
    private final Executor executor;

    private ExecutorRunner(Executor executor) {
        this.executor = executor;
    }

    static OperationRunner create(ClusterConfig config, NodeId self) {
        Map<ResourceId, ResourceAgent> agents = new TreeMap<>();
        boolean witness = config.node(self).map(haven.config.NodeConfig::isWitness).orElse(false);
        for (ResourceConfig rc : witness ? List.<ResourceConfig>of() : config.resources()) {
            agents.put(rc.id(), AgentFactory.create(rc, Map.of("HAVEN_NODE", self.name())));
        }
        return new ExecutorRunner(new Executor(agents));
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
