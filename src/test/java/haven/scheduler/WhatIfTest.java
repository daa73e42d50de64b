package haven.scheduler;

import static haven.scheduler.Clusters.commit;
import static haven.scheduler.Clusters.n;
import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.config.PlacementRules;
import haven.config.Policy;
import haven.core.GroupId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WhatIfTest {
    /** db on n1 (started), app after db on n2 (started). */
    private static final ClusterConfig CONFIG = Clusters.config(Clusters.nodeNames(3), List.of(
            Clusters.group("db", "n1", "db-r"),
            Clusters.group("app", null, "app-r").withPlacement(new PlacementRules(List.of(), List.of(),
                    List.of(new PlacementRules.After(GroupId.of("db"), true))))), Policy.DEFAULT);
    private static final ClusterState RUNNING = commit(ClusterState.EMPTY, Clusters.assign("db", "n1"),
            new Command.Started(GroupId.of("db"), n("n1"), 1), Clusters.assign("app", "n2"), new Command.Started(GroupId.of("app"), n("n2"), 2));

    @Test
    void aNodeDownPlaysTheFailoverRoundByRoundWithTheOrder() {
        WhatIf.Outcome o = WhatIf.play(CONFIG, RUNNING, Clusters.nodes("n1", "n2", "n3"), RandomInputs.NOW, new WhatIf.NodeDown(n("n1")));
        assertThat(o.settled()).isTrue();
        assertThat(o.rounds()).extracting(WhatIf.Round::actions).containsExactly(
                List.of("n1 declared lost", "start db on n3 (least loaded eligible node)", "stop app on n2 (stop (starts after db, which is not running))"),
                List.of("start app on n2 (least loaded eligible node)"));
        assertThat(o.text()).startsWith("what if n1 down:\n  1. n1 declared lost\n").contains("then:\n  app: runs on n2\n  db: runs on n3\n");
        assertThat(o.toMap()).containsEntry("settled", true).containsKey("rounds");
    }

    @Test
    void aMoveTakesTwoRoundsAndStopsTheDependentFirst() {
        WhatIf.Outcome o = WhatIf.play(CONFIG, RUNNING, Clusters.nodes("n1", "n2", "n3"), RandomInputs.NOW,
                new WhatIf.Move(GroupId.of("db"), n("n3")));
        assertThat(o.rounds()).extracting(WhatIf.Round::actions).containsExactly(
                List.of("stop app on n2 (stop (starts after db, which is about to stop))"),
                List.of("stop db on n1 (move to n3)"),
                List.of("start db on n3 (moved there by an administrator)"),
                List.of("start app on n1 (least loaded eligible node)"));
        assertThat(RUNNING.moves()).as("the committed state is untouched").isEmpty();
    }

    @Test
    void aNodeThatRunsNothingChangesNothing() {
        WhatIf.Outcome o = WhatIf.play(CONFIG, RUNNING, Clusters.nodes("n1", "n2", "n3"), RandomInputs.NOW, new WhatIf.NodeDown(n("n3")));
        // n3 held nothing: it is not even declared lost, since nothing waits for it.
        assertThat(o.rounds()).isEmpty();
        assertThat(o.text()).contains("nothing would change");
        assertThat(Set.copyOf(o.last().explanations().keySet())).hasSize(2);
    }
}
