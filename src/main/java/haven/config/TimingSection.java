package haven.config;

import haven.core.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The optional {@code timing:} section and the rules that tie its timers together. Every rule is here, in
 * the loader, so that a daemon refuses at start exactly what `haven config check` refuses.
 */
final class TimingSection {
    /**
     * The least margin that still leaves room for what it must absorb: the lost node's event loop notices
     * its lease has run out only at its next 20 ms tick, its guard force-stops at half the margin, and
     * heartbeats reach the lost node and the coordinator a few milliseconds apart.
     */
    static final Duration MIN_LEASE_MARGIN = Duration.ofMillis(50);

    static final List<String> KEYS =
            List.of("heartbeat", "failure_timeout", "verify_timeout", "lease", "lease_margin", "join_timeout");

    private TimingSection() {}

    /** The timing, or empty when some value was bad (reported). */
    static Optional<Timing> read(Optional<Fields> section, Problems problems) {
        if (section.isEmpty()) {
            return Optional.of(Timing.DEFAULT);
        }
        Fields f = section.get();
        Timing d = Timing.DEFAULT;
        Optional<Duration> heartbeat = f.positiveDuration("heartbeat", d.heartbeatInterval());
        Optional<Duration> failure = f.positiveDuration("failure_timeout", d.failureTimeout());
        Optional<Duration> verify = f.positiveDuration("verify_timeout", d.verifyTimeout());
        Optional<Duration> lease = f.positiveDuration("lease", d.lease());
        Optional<Duration> margin = f.positiveDuration("lease_margin", d.leaseMargin());
        Optional<Duration> join = f.positiveDuration("join_timeout", d.joinTimeout());
        if (heartbeat.isEmpty() || failure.isEmpty() || verify.isEmpty() || lease.isEmpty() || margin.isEmpty()
                || join.isEmpty()) {
            return Optional.empty();
        }
        Timing timing = new Timing(heartbeat.get(), failure.get(), verify.get(), lease.get(), margin.get(), join.get());
        return checkRules(timing, f, problems) ? Optional.of(timing) : Optional.empty();
    }

    private static boolean checkRules(Timing t, Fields f, Problems problems) {
        boolean ok = true;
        Duration detection = t.failureTimeout().plus(t.verifyTimeout());
        if (t.lease().compareTo(detection) >= 0) {
            problems.add(placeOf(f, "lease", "failure_timeout", "verify_timeout"),
                    f.key("lease") + " (" + fmt(t.lease()) + ") must be shorter than failure_timeout + verify_timeout ("
                            + fmt(detection) + ")",
                    "an isolated node stops its resources only 'lease' after it last heard a majority, while the "
                            + "majority takes them over failure_timeout + verify_timeout after the node fell silent; "
                            + "with a longer lease both could run the same resource at once. Shorten lease or "
                            + "lengthen failure_timeout");
            ok = false;
        }
        if (t.heartbeatInterval().multipliedBy(2).compareTo(t.failureTimeout()) >= 0) {
            problems.add(placeOf(f, "heartbeat", "failure_timeout"),
                    f.key("heartbeat") + " (" + fmt(t.heartbeatInterval()) + ") must be less than half of "
                            + "failure_timeout (" + fmt(t.failureTimeout()) + ")",
                    "at least two heartbeats must fit in failure_timeout, so that one lost packet does not make "
                            + "a live node look dead; lower heartbeat or raise failure_timeout");
            ok = false;
        }
        // Heartbeats are datagrams that are never resent, and a beat renews the lease from the moment the node
        // sent the beat its peer echoes: a renewal is up to one interval (plus delivery) old when it arrives and
        // the next comes an interval later. A lease under three intervals therefore lapses whenever one round
        // of beats is lost or late (a busy host delays them all at once), and at two intervals it lapses by
        // itself in some phases of the peers' beats; a healthy node whose lease lapses stops every resource.
        if (t.lease().compareTo(t.heartbeatInterval().multipliedBy(3)) < 0) {
            problems.add(placeOf(f, "lease", "heartbeat"),
                    f.key("lease") + " (" + fmt(t.lease()) + ") must be at least three times " + f.key("heartbeat") + " ("
                            + fmt(t.heartbeatInterval()) + ")",
                    "a lease that one lost or late round of heartbeats can break makes healthy nodes stop their resources; raise lease to "
                            + fmt(t.heartbeatInterval().multipliedBy(3)) + " or more, or lower heartbeat to "
                            + fmt(t.lease().dividedBy(3)) + " or less (lease must stay below failure_timeout + "
                            + "verify_timeout)");
            ok = false;
        }
        // In the worst case (a survivor installs the new view late and renews the lost node's lease until
        // then) the margin is all the time between the end of the lost node's lease and the start of its
        // groups elsewhere; too small a margin lets the two overlap.
        if (t.leaseMargin().compareTo(MIN_LEASE_MARGIN) < 0) {
            problems.add(placeOf(f, "lease_margin"),
                    f.key("lease_margin") + " (" + fmt(t.leaseMargin()) + ") must be at least " + fmt(MIN_LEASE_MARGIN),
                    "the margin must cover the lost node's 20 ms event-loop tick, its guard's hard stop (at two "
                            + "margins past its lease, half a margin before the takeover) and heartbeat delivery skew, or a group could run on two nodes at once; set "
                            + "lease_margin to " + fmt(MIN_LEASE_MARGIN) + " or more (100ms is the default)");
            ok = false;
        }
        return ok;
    }

    /** A rule broken by defaults alone cannot happen, so at least one of the keys is written; blame the first. */
    private static Place placeOf(Fields f, String... keys) {
        for (String key : keys) {
            if (f.has(key)) {
                return f.valuePlace(key);
            }
        }
        return f.anchor();
    }

    private static String fmt(Duration d) {
        return Durations.format(d);
    }
}
