package haven.scheduler;

import haven.core.NodeId;
import java.util.List;
import java.util.Optional;

/**
 * Why a group is placed where it is: the chosen node (if any), the decision in words, and one line per
 * node saying whether it could run the group and why not. Printed by `haven why`.
 */
public record Explanation(Optional<NodeId> target, String decision, List<String> nodeReasons) {
    public Explanation {
        // Lines written on demand stay so: copying would write them out on every plan.
        if (!(nodeReasons instanceof WhyLines)) nodeReasons = List.copyOf(nodeReasons);
    }
}
