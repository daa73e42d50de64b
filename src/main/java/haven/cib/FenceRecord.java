package haven.cib;

import haven.core.NodeId;

/** One fencing attempt as the cluster remembers it: whom, by whom, when, and what came of it. */
public record FenceRecord(NodeId node, NodeId by, long atEpochMs, boolean ok, String summary) {}
