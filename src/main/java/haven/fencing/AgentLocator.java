package haven.fencing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Turns an agent as a device names it into an executable file: a path is taken as it is; a bare name is
 * looked up in the folders where Debian's fence-agents package installs agents, then among the agents
 * bundled with haven.
 */
public final class AgentLocator {
    public static final List<Path> DEFAULT_DIRS = haven.config.fence.FenceAgents.DIRS;
    private final List<Path> dirs;

    public AgentLocator(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    public static AgentLocator standard() {
        return new AgentLocator(DEFAULT_DIRS);
    }

    /** The agent's executable; a FenceException naming where it looked and how to fix it otherwise. */
    public Path locate(String agent) {
        if (agent.contains("/")) {
            Path p = Path.of(agent);
            if (!Files.isRegularFile(p)) throw new FenceException("fence agent " + agent + " does not exist; give the"
                    + " path of an installed agent, or a name such as fence_ipmilan");
            if (!Files.isExecutable(p)) throw new FenceException("fence agent " + agent + " is not executable; chmod +x it");
            return p;
        }
        for (Path dir : dirs) {
            Path p = dir.resolve(agent);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        Optional<Path> bundled = BundledAgents.extract(agent);
        if (bundled.isPresent()) return bundled.get();
        String hint = agent.startsWith("fence_")
                ? "install it (Debian: apt-get install fence-agents) or give its full path"
                : "fence agents are named fence_..., e.g. fence_ipmilan; or give a full path";
        throw new FenceException("fence agent '" + agent + "' not found in " + dirs + " nor among haven's own ("
                + String.join(", ", BundledAgents.names()) + "); " + hint);
    }
}
