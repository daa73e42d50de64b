package haven.client;

import java.util.List;

/** The answer of GET /ha/quorum: the node's verdict and the votes behind it. */
public record QuorumInfo(boolean quorate, String mode, int expectedVotes, int votes, int needed, List<String> members) {}
