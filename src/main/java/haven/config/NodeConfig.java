package haven.config;

import haven.core.NodeId;

/** A cluster member: its name and the IPv4 address its daemon binds to for cluster traffic. */
public record NodeConfig(NodeId id, String address) {}
