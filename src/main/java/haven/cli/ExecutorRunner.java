package haven.cli;

import haven.config.ClusterConfig;
import haven.core.NodeId;
import haven.node.OperationRunner;

/** Builds the real executor for a node: one agent per configured resource. */
final class ExecutorRunner {
    private ExecutorRunner() {}

    static OperationRunner create(ClusterConfig config, NodeId self) {
        throw new UnsupportedOperationException("executor not wired yet");
    }
}
