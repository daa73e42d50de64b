package haven.config;

import haven.core.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The optional {@code timing:} section and the rules that tie its timers together. */
final class TimingSection {
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
