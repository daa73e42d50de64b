package haven.config;

import haven.core.NodeId;
import java.util.List;

/**
 * How many configured nodes vote in the cluster log ({@code cluster.voters}): the first {@code count} of the
 * node list, or all of them. The other nodes follow the log without voting (jgroups-raft's learners): they
 * hold and apply every committed entry but neither count toward a commit nor stand for election, so commits
 * and elections cost the same in a cluster of 16 as in one of 5. A small odd count: an even one tolerates no
 * more lost voters than the odd one below it, and costs one more answer per commit.
 *
 * <p>Which nodes vote is decided by the node list alone, identically on every node; it can only change with a
 * whole-cluster restart (see docs/design.md, "Voters and followers"): during a rolling restart two voter sets
 * would be live at once, and a majority of each need not overlap.
 *
 * @param count the number of voters, or {@link #ALL}
 */
public record Voters(int count) {
    /** Every configured node votes (as before {@code cluster.voters} existed). */
    public static final int ALL = 0;
    public static final int DEFAULT_COUNT = 5;
    public static final Voters DEFAULT = new Voters(DEFAULT_COUNT);
    public static final Voters EVERY_NODE = new Voters(ALL);
    /** Beyond this, commits and elections wait for as many answers as a whole large cluster would give. */
    public static final int MAX_COUNT = 9;
    /** One voter would make the log, and so every change, depend on one machine. */
    public static final int MIN_COUNT = 3;

    public Voters {
        if (count != ALL && (count < MIN_COUNT || count > MAX_COUNT || count % 2 == 0)) {
            throw new IllegalArgumentException("voters must be 'all' or an odd number " + MIN_COUNT + ".." + MAX_COUNT + ", not " + count);
        }
    }

    /** The voting nodes of {@code nodes}: the first {@code count} in configured order, all when fewer. */
    public List<NodeId> of(List<NodeId> nodes) {
        return count == ALL || nodes.size() <= count ? List.copyOf(nodes) : List.copyOf(nodes.subList(0, count));
    }

    /** The config file's word for it. */
    public String word() {
        return count == ALL ? "all" : Integer.toString(count);
    }
}
