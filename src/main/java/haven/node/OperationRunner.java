package haven.node;

import haven.core.ResourceId;
import haven.core.AgentResult;
import haven.core.ForceOff;
import haven.core.Operation;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The node's view of the executor: runs agent operations and reports results and unexpected failures. */
public interface OperationRunner extends AutoCloseable {
    /** {@code generation}: the start's placement generation (see {@link Effect.RunOp}), 0 for other operations. */
    void submit(ResourceId resource, Operation op, Duration timeout, long generation, Consumer<AgentResult> whenDone);

    /** A notify call (see {@link haven.core.Notice}); the default, for runners without OCF agents, refuses it. */
    default void submitNotify(ResourceId resource, Duration timeout, haven.core.Notice notice, Consumer<AgentResult> whenDone) {
        whenDone.accept(AgentResult.configError("this node's agents have no notify action"));
    }

    void onUnexpectedFailure(BiConsumer<ResourceId, String> listener);

    /** What would end {@code resource} at once (for the guard); empty when nothing is known. */
    default List<ForceOff> forceOff(ResourceId resource) {
        return List.of();
    }

    /**
     * The promotion score {@code resource}'s agent set on this node (crm_master, crm_attribute -p), read now;
     * empty when none is set. The default, for runners without OCF agents, knows none.
     */
    default java.util.Optional<Long> promotionScore(ResourceId resource) {
        return java.util.Optional.empty();
    }

    /**
     * What {@code resource}'s agent knows of its replicated data on this node (role, in-sync set, lag, ...), as keys
     * and values for /ha; empty for agents that replicate nothing (every one but replicated-dir).
     */
    default java.util.Map<String, String> replicationStatus(ResourceId resource) {
        return java.util.Map.of();
    }

    /** Each membership view this node installs, as it installs it (built-in agents ask only members before a promotion). */
    default void viewChanged(java.util.List<haven.core.NodeId> members) {}

    /** Told whenever a replica joins or leaves the in-sync set of replicated data whose primary runs here. */
    default void onInSyncChange(Consumer<haven.core.InSyncChange> listener) {}

    /** Called with the resource whenever its {@link #forceOff} answer changes outside an operation. */
    default void onForceOffChanged(Consumer<ResourceId> listener) {}

    /**
     * A live config change (see {@link Effect.UseConfig}): operations from now on use agents built from
     * {@code next}. The default, for runners that build no agents, ignores it.
     */
    default void reconfigure(haven.config.ClusterConfig next) {}

    @Override
    void close();
}
