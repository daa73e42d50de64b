package haven.cts;

import java.util.List;
import java.util.Optional;

/** Every step kind the CTS knows, in a fixed order: the seeded choice indexes into this list. */
public final class Catalogue {
    private Catalogue() {}

    public static List<CtsStep> all() {
        return List.of(
                new FaultSteps.Flip(),
                new FaultSteps.Restart(),
                new FaultSteps.FastDetection(),
                new FaultSteps.SplitBrain(),
                new FaultSteps.ComponentFail(),
                new FaultSteps.Pause(),
                new FaultSteps.ResourceRecover(),
                new AdminSteps.Standby(),
                new AdminSteps.Move(),
                new ClusterSteps.SimulStop(),
                new ClusterSteps.SimulStart(),
                new ClusterSteps.StopOneByOne(),
                new ClusterSteps.StartOneByOne(),
                new ClusterSteps.RestartOneByOne(),
                new NearQuorumPoint());
    }

    public static Optional<CtsStep> named(String name) {
        return all().stream().filter(s -> s.name().equalsIgnoreCase(name)).findFirst();
    }
}
