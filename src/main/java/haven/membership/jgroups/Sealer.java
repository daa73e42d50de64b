package haven.membership.jgroups;

import haven.core.Ticker;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.crypto.SecretKey;
import org.jgroups.stack.IpAddress;

/**
 * Seals this node's datagrams and opens its peers': authentication first (nothing from a sender without
 * the key touches any state), then the replay check. Every refusal is counted; the log gets at most one
 * line per source per interval.
 */
final class Sealer {
    private static final System.Logger LOG = System.getLogger("haven.membership");
    static final long LOG_INTERVAL_MS = 10_000;

    private final SealKeys keys;
    private final byte[] selfName;
    private final long epoch;
    private final SecretKey ownKey;
    private final AtomicLong counter = new AtomicLong();
    private final Set<String> senders;
    private final SenderNames senderNames;
    private final ReplayGuard guard;
    private final Ticker ticker;
    private final long bootMs;
    private final Consumer<Map<String, Long>> persistPeerEpochs;
    private final RejectLog rejectLog = new RejectLog(LOG_INTERVAL_MS, 16);
    private volatile long lastExpiry;

    Sealer(SealKeys keys, String self, long epoch, Set<String> senders, ReplayGuard guard, Ticker ticker,
            Consumer<Map<String, Long>> persistPeerEpochs) {
        this.keys = keys;
        this.selfName = self.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.epoch = epoch;
        this.ownKey = keys.senderKey(self, epoch);
        this.senders = Set.copyOf(senders);
        this.senderNames = new SenderNames(this.senders);
        this.guard = guard;
        this.ticker = ticker;
        this.bootMs = ticker.nowMs();
        this.persistPeerEpochs = persistPeerEpochs;
    }

    byte[] seal(byte[] plain, int offset, int length) {
        TrafficStats.sent();
        return SealFrame.seal(ownKey, selfName, epoch, counter.incrementAndGet(), ticker.nowMs() - bootMs, plain, offset, length);
    }

    /**
     * The plain datagram, or null when it is refused. {@code source} (the sending host) only names it in the log,
     * so it is turned into text only for a refusal, not for every datagram.
     */
    byte[] open(Object source, byte[] data, int offset, int length) {
        long now = ticker.nowMs();
        SealFrame.Header h = SealFrame.header(data, offset, length, senderNames);
        if (h == null) return refuse(TrafficStats.Refusal.NOT_SEALED, source, "not a sealed haven datagram", now);
        if (!senders.contains(h.sender())) {
            return refuse(TrafficStats.Refusal.UNKNOWN_SENDER, source, "claims to come from \"" + h.sender() + "\", no node of this cluster", now);
        }
        SecretKey key = keys.senderKey(h.sender(), h.epoch());
        byte[] plain = SealFrame.open(key, h, data, offset, length);
        if (plain == null) {
            return refuse(TrafficStats.Refusal.FORGED, source, "does not authenticate as " + h.sender()
                    + " (forged, altered, or sealed with another cluster key: compare cluster.key on the nodes)", now);
        }
        ReplayGuard.Verdict v = guard.check(h.sender(), h.epoch(), h.counter(), h.sentMs(), now);
        switch (v) {
            case NEW -> { }
            case NEW_EPOCH -> {
                keys.remember(h.sender(), h.epoch(), key);
                persistPeerEpochs.accept(guard.highestEpochs());
            }
            case OLD_EPOCH -> {
                return refuse(TrafficStats.Refusal.OLD_EPOCH, source, h.sender() + "'s boot epoch " + h.epoch()
                        + " is older than one already seen (a replay, or that node's state directory was wiped and its clock is behind)", now);
            }
            case REPLAYED -> {
                return refuse(TrafficStats.Refusal.REPLAYED, source, "a replay of " + h.sender() + "'s datagram " + h.counter(), now);
            }
            case BEHIND_WINDOW -> {
                return refuse(TrafficStats.Refusal.BEHIND_WINDOW, source, h.sender() + "'s datagram " + h.counter()
                        + " is more than " + ReplayGuard.WINDOW + " behind its newest", now);
            }
            case STALE -> {
                return refuse(TrafficStats.Refusal.STALE, source, h.sender() + "'s datagram " + h.counter() + " was held back too long", now);
            }
        }
        TrafficStats.accepted();
        return plain;
    }

    private byte[] refuse(TrafficStats.Refusal why, Object source, String reason, long now) {
        TrafficStats.refused(why);
        String line = rejectLog.refused(hostOf(source), reason, now);
        if (line != null) LOG.log(System.Logger.Level.WARNING, line);
        if (now - lastExpiry >= LOG_INTERVAL_MS) {
            lastExpiry = now;
            rejectLog.expire(now);
        }
        return null;
    }

    /** Refusals are logged per host, not per port: a flood from ever new source ports is still one source. */
    private static String hostOf(Object source) {
        return source instanceof IpAddress ip ? ip.getIpAddress().getHostAddress() : String.valueOf(source);
    }
}
