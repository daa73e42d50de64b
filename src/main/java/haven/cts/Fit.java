package haven.cts;

import haven.lab.LabLayout;
import java.util.Optional;

/** Preconditions shared by several steps, each with the reason given when it does not hold. */
final class Fit {
    private Fit() {}

    static int serviceNodes(LabLayout layout) {
        return layout.nodes() - (layout.witness() ? 1 : 0);
    }

    static int majority(LabLayout layout) {
        return layout.nodes() / 2 + 1;
    }

    /** A node lost, the rest must still be a majority and one of them must be able to run the service. */
    static Optional<String> survivesOneLoss(LabLayout layout) {
        if (layout.nodes() < 3) {
            return Optional.of("needs at least 3 members (" + layout.nodes() + " here): the survivor of 2 has no majority");
        }
        return twoServiceNodes(layout);
    }

    static Optional<String> twoServiceNodes(LabLayout layout) {
        return serviceNodes(layout) < 2
                ? Optional.of("needs 2 nodes that can run the service (" + serviceNodes(layout) + " here)")
                : Optional.empty();
    }
}
