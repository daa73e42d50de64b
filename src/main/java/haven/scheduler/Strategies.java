package haven.scheduler;

import haven.config.Policy;
import haven.core.NodeId;

/**
 * The placement strategies ({@link Policy.Strategy}): which of two nodes that score the same, neither of them the
 * preferred node, a group goes to. Pure; ties left are broken by the node order (the first wins).
 */
final class Strategies {
    private Strategies() {}

    /** Whether {@code candidate} (running {@code candidateLoad} groups) beats {@code best} (running {@code bestLoad}). */
    static boolean better(Policy.Strategy strategy, Utilization util, NodeId candidate, int candidateLoad, NodeId best, int bestLoad) {
        return switch (strategy) {
            case PREFERRED -> candidateLoad < bestLoad;
            case BALANCED -> {
                int c = util.compareFree(candidate, best);
                yield c > 0 || c == 0 && candidateLoad < bestLoad;
            }
            case PACKED -> {
                int c = Double.compare(util.freeShare(candidate), util.freeShare(best));
                yield c < 0 || c == 0 && candidateLoad > bestLoad;
            }
        };
    }
}
