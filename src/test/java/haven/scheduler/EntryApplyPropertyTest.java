package haven.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterState#apply} takes runs of placements and reports through one copy of the group map; it must give
 * exactly the state that applying the commands one at a time gives, whatever the mix (stale reports, skipped
 * assignments, other commands between the runs).
 */
class EntryApplyPropertyTest {
    @Test
    void anEntryAppliedAtOnceEqualsItsCommandsAppliedOneByOne() {
        int batched = 0;
        for (long seed = 1; seed <= 3_000; seed++) {
            Random rnd = new Random(seed);
            SchedulerInput in = RandomInputs.withPreferences(RandomInputs.generate(seed), seed);
            List<Command> entry = new ArrayList<>(Scheduler.plan(in).commands());
            ClusterState s = in.state();
            for (var e : s.groups().entrySet()) {
                GroupState g = e.getValue();
                for (NodeId n : in.config().nodeIds()) {
                    // Reports right and wrong: another generation, another node, a node still assigned.
                    long generation = g.generation() + (rnd.nextInt(4) == 0 ? -1 : 0);
                    if (rnd.nextInt(3) == 0) entry.add(rnd.nextInt(entry.size() + 1), new Command.Started(e.getKey(), n, generation));
                    if (rnd.nextInt(3) == 0) entry.add(rnd.nextInt(entry.size() + 1), new Command.Released(e.getKey(), n, generation));
                }
            }
            if (!entry.isEmpty() && rnd.nextBoolean()) {
                entry.add(rnd.nextInt(entry.size()), new Command.SetStandby(in.config().nodeIds().get(0), rnd.nextBoolean()));
            }
            ClusterState oneByOne = s;
            for (Command c : entry) oneByOne = oneByOne.with(c);
            ClusterState expected = new ClusterState(s.version() + 1, oneByOne.lastGeneration(), oneByOne.groups(), oneByOne.standby(),
                    oneByOne.moves(), oneByOne.failures(), oneByOne.connectivity(), oneByOne.fencing(), oneByOne.maintenance(),
                    oneByOne.config(), oneByOne.app());
            assertThat(s.apply(entry)).as("seed %d: %s", seed, entry).isEqualTo(expected);
            if (entry.size() > 1) batched++;
        }
        assertThat(batched).isGreaterThan(2_000);
    }
}
