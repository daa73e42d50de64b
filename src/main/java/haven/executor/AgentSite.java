package haven.executor;

import haven.core.ViewMembers;
import haven.replication.ReplicatedDirectories;
import java.nio.file.Path;

/**
 * What built-in agents that keep node-local state need of the daemon: its state folder, the cluster key
 * (replicated-dir keeps its copy's state under the one and authenticates its peers with the other), the live
 * copies, which outlive an agent rebuilt by a config change, and the membership view (whom a promotion asks).
 * Agents built to check a config have none, and refuse to start.
 */
public record AgentSite(Path stateDir, byte[] clusterKey, ReplicatedDirectories directories, ViewMembers view) {
    /** A daemon's site, with no copy open yet and no view heard yet. */
    public AgentSite(Path stateDir, byte[] clusterKey) {
        this(stateDir, clusterKey, new ReplicatedDirectories(), new ViewMembers());
    }
}
