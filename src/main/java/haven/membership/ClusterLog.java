package haven.membership;

import haven.cib.Command;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one total order of changes to the cluster state, committed by a majority of the configured voters.
 * {@link #propose} completes when the entry is committed and applied locally, or exceptionally (no
 * leader, lost leadership, timeout): then it may or may not have been committed, and the proposer must
 * not assume either, only observe the state.
 */
public interface ClusterLog {
    CompletableFuture<Void> propose(List<Command> entry, Duration timeout);
}
