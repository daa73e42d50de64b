package haven.node;

import haven.core.ResourceId;
import haven.executor.AgentResult;
import haven.executor.Operation;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The node's view of the executor: runs agent operations and reports results and unexpected failures. */
public interface OperationRunner extends AutoCloseable {
    void submit(ResourceId resource, Operation op, Duration timeout, Consumer<AgentResult> whenDone);

    void onUnexpectedFailure(BiConsumer<ResourceId, String> listener);

    @Override
    void close();
}
