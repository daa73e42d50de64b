package haven.config;

import java.time.Duration;
import java.util.List;

/**
 * When a partition may act, and what a node does when it may not.
 *
 * @param mode           how votes make a quorum
 * @param waitForAll     after a cold start, the cluster acts only once every node has been seen at least
 *                       once, so that one node booting alone cannot take over from a peer it never saw
 * @param noQuorumPolicy what a node without quorum does with the resources it runs
 * @param pingNodes      IPv4 addresses (a router, a switch) the nodes ping: a node that reaches none of
 *                       them knows that the fault is its own link, not its peers
 * @param priorityFenceDelay two_node only: how long a node waits before it fences a peer that runs more
 *                       groups than itself. After a cut link both nodes race to fence each other; the wait
 *                       lets the node that runs the services shoot first, so they keep running where they are.
 *                       It must be longer than the fence device takes to power a node off, or both shoot
 */
public record Quorum(Mode mode, boolean waitForAll, NoQuorumPolicy noQuorumPolicy, List<String> pingNodes,
                     Duration priorityFenceDelay) {
    public static final Duration DEFAULT_PRIORITY_FENCE_DELAY = Duration.ofSeconds(5);
    public static final Quorum DEFAULT = new Quorum(Mode.MAJORITY, false, NoQuorumPolicy.STOP, List.of(),
            DEFAULT_PRIORITY_FENCE_DELAY);

    public Quorum(Mode mode, boolean waitForAll, NoQuorumPolicy noQuorumPolicy, List<String> pingNodes) {
        this(mode, waitForAll, noQuorumPolicy, pingNodes, DEFAULT_PRIORITY_FENCE_DELAY);
    }

    public enum Mode {
        /** More than half of the configured votes (nodes and witnesses). */
        MAJORITY,
        /**
         * Exactly two nodes and no witness: either node alone has quorum, which is safe only because the
         * survivor fences its peer before it takes anything over.
         */
        TWO_NODE;

        /** The word the config file uses. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public enum NoQuorumPolicy {
        /** Stop every resource (the safe choice: the quorate side will start them). */
        STOP,
        /** Keep what runs, start nothing new. */
        FREEZE,
        /** Act as if quorate: only for clusters whose resources are safe to run twice. */
        IGNORE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Quorum {
        pingNodes = List.copyOf(pingNodes);
    }
}
