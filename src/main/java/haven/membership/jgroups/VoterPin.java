package haven.membership.jgroups;

import java.util.HashSet;
import java.util.List;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.stack.Protocol;

/**
 * Sits just above RAFT and, when the stack starts, sets RAFT's voters back to the config's
 * ({@link haven.config.Voters}). jgroups-raft 1.1.4 restores its member list from the last snapshot after
 * reading the {@code members} property, and does not recompute the majority from it: a node whose snapshot
 * was taken under another voter set (a cluster that ran with every node voting, or before its node list
 * changed) would count a majority of one list against the members of another. Protocols start from the
 * bottom up, so this runs after RAFT has loaded its snapshot and log, and before the channel joins anyone.
 *
 * <p>haven changes voters only this way (and two_node's {@link PairVoters}, which a restart also resets to the
 * config, as it expects): the voter set is the config's, the same on every node.
 */
final class VoterPin extends Protocol {
    private static final System.Logger LOG = System.getLogger("haven.membership");
    private final RAFT raft;
    private final List<String> voters;

    VoterPin(RAFT raft, List<String> voters) {
        this.raft = raft;
        this.voters = List.copyOf(voters);
    }

    @Override
    public void start() throws Exception {
        super.start();
        if (!new HashSet<>(raft.members()).equals(new HashSet<>(voters))) {
            LOG.log(System.Logger.Level.WARNING, "the cluster log's saved voters " + raft.members() + " are not the config's "
                    + voters + ": using the config's (cluster.voters and the node list decide them)");
        }
        raft.members(voters); // also recomputes the majority, which RAFT leaves at the property's count
    }
}
