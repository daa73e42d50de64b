package haven.replication;

import java.io.DataInputStream;
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
 * Asks the peers' replicas what their copies are, before this node takes the primary role: the cluster's promotion
 * scores may lag a moment behind an epoch change, and the copy that is promoted must not be older than one that is
 * there to be promoted instead. A peer that does not answer in time (down, or running no replica) counts for nothing.
 * Only the members of this node's view are asked: a powered-off primary, the one a failover replaces, would lengthen
 * every failover by the whole limit. Until stop 22 the primary this copy followed last was skipped instead, on the
 * same ground; but a primary deposed while it stays a member (its group banned from its node, its lease lost for a
 * moment) runs on as a replica and may hold writes of a newer epoch that no other copy has (the simulation's
 * mutation {@code PROMOTION_QUERY_SKIPS_FOLLOWED} finds such histories).
 */
final class PeerStates {
    // A live peer on the same LAN answers within milliseconds; the old primary, powered off, never does, and this wait
    // is part of every failover.
    private static final Duration LIMIT = Duration.ofMillis(300);

    /**
     * A peer's copy and the last record it applied from its primary ({@link #UNKNOWN} when it followed none since its
     * daemon started).
     */
    record Peer(String peer, DataState state, long appliedSeq) {
        /** Holds writes {@code mine} lacks from an earlier primary: {@code mine} must not be promoted, and is not whole. */
        boolean newerThan(DataState mine) {
            return state.whole() && state.newerThan(mine);
        }

        /**
         * Followed the same primary through the same epoch as {@code mine} and applied more of its stream (async mode,
         * where replicas confirm at their own pace): the more current copy, which the promotion must prefer. A copy
         * that was the primary of its epoch had all its replicas had, and a replica that knows no position defers.
         */
        boolean aheadOf(DataState mine, long mySeq) {
            return state.whole() && !mine.primary() && state.generation() == mine.generation() && state.epoch() == mine.epoch()
                    && appliedSeq > mySeq;
        }
    }

    static final long UNKNOWN = -1;

    private PeerStates() {}

    /**
     * The first answering peer whose copy is newer than {@code mine} or ahead of it within its epoch (see {@link Peer}),
     * or empty. {@code mySeq}: the last record this copy applied, {@link #UNKNOWN} when it followed no primary.
     */
    static Optional<Peer> moreCurrentThan(DataState mine, long mySeq, ReplicatedDirectory.Settings settings,
            java.util.function.Predicate<String> asked) {
        List<Supplier<Optional<Peer>>> asks = new ArrayList<>();
        for (Map.Entry<String, InetSocketAddress> peer : settings.peers().entrySet()) {
            if (asked.test(peer.getKey())) asks.add(() -> ask(peer.getKey(), peer.getValue(), settings));
        }
        return haven.core.AskAll.within(LIMIT, asks).stream().filter(p -> p.newerThan(mine) || p.aheadOf(mine, mySeq)).findFirst();
    }

    private static Optional<Peer> ask(String peer, InetSocketAddress address, ReplicatedDirectory.Settings settings) {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) LIMIT.toMillis());
            socket.setSoTimeout((int) LIMIT.toMillis());
            SealedChannel ch = SealedChannel.asPrimary(socket, settings.key(), settings.resource());
            ch.send(new byte[] {Wire.QUERY});
            ch.flush();
            byte[] m = ch.receive();
            if (Wire.type(m) != Wire.STATE) return Optional.empty();
            DataInputStream f = Wire.fields(m);
            DataState state = new DataState(f.readLong(), f.readLong(), f.readBoolean(), f.readBoolean());
            return Optional.of(new Peer(peer, state, f.available() >= Long.BYTES ? f.readLong() : UNKNOWN));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
