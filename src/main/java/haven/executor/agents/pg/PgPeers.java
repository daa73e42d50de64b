package haven.executor.agents.pg;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Asks the peers' servers how far they are, before this node takes the primary role: the cluster's scores are as old
 * as the last monitor, and in sync mode the replica that confirmed the last commits must be the one promoted. A peer
 * whose port does not open within a moment (powered off, cut off, not running) counts for nothing: it is probably the
 * primary being replaced, and waiting for its connect timeout would lengthen every failover.
 */
public final class PgPeers {
    private static final Duration REACH = Duration.ofMillis(300);
    private static final Duration ASK = Duration.ofSeconds(3);

    /** A peer's answer: its name and where it is. */
    public record Peer(String name, PgLsn.Answer answer) {}

    private PgPeers() {}

    /**
     * Every peer that answered, in any order, of those {@code asked} (the members of this node's view: a powered-off
     * primary, the one a failover replaces, would only cost the whole reach limit; one deposed but still a member may
     * have received more, see {@code replication.PeerStates}).
     */
    public static List<Peer> ask(PgSettings s, PgRun run, java.util.function.Predicate<String> asked) {
        List<Supplier<Optional<Peer>>> asks = new ArrayList<>();
        for (Map.Entry<String, InetSocketAddress> p : s.peers().entrySet()) {
            if (asked.test(p.getKey())) asks.add(() -> ask(p.getKey(), p.getValue(), run));
        }
        return haven.core.AskAll.within(REACH.plus(ASK), asks);
    }

    private static Optional<Peer> ask(String name, InetSocketAddress address, PgRun run) {
        try (Socket probe = new Socket()) {
            probe.connect(address, (int) REACH.toMillis());
        } catch (IOException e) {
            return Optional.empty();
        }
        var r = run.remote(address.getHostString(), PgLsn.QUERY, ASK);
        return r.ok() ? PgLsn.answer(r.output()).map(a -> new Peer(name, a)) : Optional.empty();
    }
}
