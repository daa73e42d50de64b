package haven.scheduler;

import static haven.scheduler.Clusters.assign;
import static haven.scheduler.Clusters.commit;
import static haven.scheduler.Clusters.config;
import static haven.scheduler.Clusters.g;
import static haven.scheduler.Clusters.group;
import static haven.scheduler.Clusters.nodes;
import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A group a live config change removed is taken off its node, once; then the plan leaves it alone. */
class RemovedGroupTest {
    static final long NOW = 1_700_000_000_000L;

    @Test
    void aGroupNoLongerConfiguredIsTakenOffItsNode() {
        ClusterConfig both = config(3, group("web", "n1", "vip"), group("db", "n2", "data"));
        ClusterState s = commit(ClusterState.EMPTY, assign("web", "n1"), assign("db", "n2"));
        assertThat(Scheduler.plan(Clusters.input(both, s, nodes("n1", "n2", "n3"), Set.of(), NOW)).commands()).isEmpty();

        ClusterConfig webOnly = config(3, group("web", "n1", "vip"));
        Plan p = Scheduler.plan(Clusters.input(webOnly, s, nodes("n1", "n2", "n3"), Set.of(), NOW));
        assertThat(p.commands()).containsExactly(new Command.Assign(g("db"), Optional.empty(), "removed from the config"));

        ClusterState off = commit(s, p.commands().toArray(Command[]::new));
        assertThat(Scheduler.plan(Clusters.input(webOnly, off, nodes("n1", "n2", "n3"), Set.of(), NOW)).commands()).isEmpty();
    }
}
