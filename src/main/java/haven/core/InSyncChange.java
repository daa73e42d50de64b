package haven.core;

import java.util.List;

/**
 * A replica joined or left the in-sync set of a primary on this node: what an administrator is told as it happens,
 * since the set says how much a failover now would lose. {@code inSync} is the set afterwards; {@code epoch} the sync
 * epoch the primary is in then.
 */
public record InSyncChange(String resource, String peer, boolean joined, List<String> inSync, long epoch) {
    public InSyncChange {
        inSync = List.copyOf(inSync);
    }
}
