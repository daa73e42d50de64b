package haven.cib;

import haven.core.NodeId;
import haven.core.ResourceId;

/** A resource failure kept in the cluster state; {@code scope} is absent (local) in states written before it existed. */
public record FailureRecord(ResourceId resource, NodeId node, long atEpochMs, String detail, FailureScope scope) {
    public FailureRecord {
        if (scope == null) scope = FailureScope.LOCAL;
    }

    public FailureRecord(ResourceId resource, NodeId node, long atEpochMs, String detail) {
        this(resource, node, atEpochMs, detail, FailureScope.LOCAL);
    }
}
