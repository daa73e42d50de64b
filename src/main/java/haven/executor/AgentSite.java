package haven.executor;

import java.nio.file.Path;

/**
 * What built-in agents that keep node-local state need of the daemon: its state folder and the cluster key
 * (replicated-dir keeps its copy's state under the one and authenticates its peers with the other). Agents built
 * to check a config have none, and refuse to start.
 */
public record AgentSite(Path stateDir, byte[] clusterKey) {}
