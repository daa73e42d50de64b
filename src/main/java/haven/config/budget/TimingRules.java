package haven.config.budget;

import haven.config.Timing;
import haven.config.budget.Finding.Severity;
import haven.core.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Timer combinations that would make failover unsafe or make healthy nodes stop their resources. These
 * come on top of the loader's own timing rules (two heartbeats within failure_timeout; lease shorter than
 * failure_timeout + verify_timeout), which a config has already passed when it gets here.
 */
final class TimingRules {
    /**
     * The least margin that still leaves room for what it must absorb: the lost node's event loop notices
     * its lease has run out only at its next 20 ms tick, its guard force-stops at half the margin, and
     * heartbeats reach the lost node and the coordinator a few milliseconds apart.
     */
    static final Duration MIN_LEASE_MARGIN = Duration.ofMillis(50);

    private TimingRules() {}

    static List<Finding> check(Timing t, Blame blame) {
        List<Finding> found = new ArrayList<>();
        // Heartbeats are datagrams that are never resent. A lease shorter than two intervals lapses as soon
        // as one round of beats is lost or late (a busy host delays them all at once), and a healthy node
        // whose lease lapses stops every resource it runs.
        if (t.lease().compareTo(t.heartbeatInterval().multipliedBy(2)) < 0) {
            found.add(error(blame, blame.timing("lease", "heartbeat"),
                    "timing.lease (" + fmt(t.lease()) + ") must be at least twice timing.heartbeat ("
                            + fmt(t.heartbeatInterval()) + ")",
                    "a lease that one lost heartbeat can break makes healthy nodes stop their resources; raise lease to "
                            + fmt(t.heartbeatInterval().multipliedBy(2)) + " or more, or lower heartbeat to "
                            + fmt(t.lease().dividedBy(2)) + " or less (lease must stay below failure_timeout + "
                            + "verify_timeout)"));
        }
        // In the worst case (a survivor installs the new view late and renews the lost node's lease until
        // then) the margin is all the time between the end of the lost node's lease and the start of its
        // groups elsewhere; too small a margin lets the two overlap.
        if (t.leaseMargin().compareTo(MIN_LEASE_MARGIN) < 0) {
            found.add(error(blame, blame.timing("lease_margin"),
                    "timing.lease_margin (" + fmt(t.leaseMargin()) + ") must be at least " + fmt(MIN_LEASE_MARGIN),
                    "the margin must cover the lost node's 20 ms event-loop tick, its guard's hard stop (at half the "
                            + "margin) and heartbeat delivery skew, or a group could run on two nodes at once; set "
                            + "lease_margin to " + fmt(MIN_LEASE_MARGIN) + " or more (100ms is the default)"));
        }
        return found;
    }

    private static Finding error(Blame blame, YamlPlaces.Spot at, String message, String hint) {
        return new Finding(Severity.ERROR, blame.problem(at, message, hint));
    }

    static String fmt(Duration d) {
        return Durations.format(d);
    }
}
