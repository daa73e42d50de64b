package haven.cib;

import haven.core.NodeId;
import haven.core.ResourceId;

public record FailureRecord(ResourceId resource, NodeId node, long atEpochMs, String detail) {}
