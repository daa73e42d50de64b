package haven.node;

import haven.cib.Command;
import haven.core.ResourceId;
import haven.executor.Operation;
import java.time.Duration;
import java.util.List;

/** What a node's logic asks the outside world to do. The driver performs them in list order. */
public sealed interface Effect {
    record RunOp(ResourceId resource, Operation op, Duration timeout, long opId) implements Effect {}

    record Propose(long proposalId, List<Command> entry) implements Effect {}

    /** A line for the operator's log: what the node decided and why. */
    record Note(String text) implements Effect {}
}
