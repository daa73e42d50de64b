package haven.config.budget;

import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.ResourceConfig;
import haven.config.budget.Finding.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Settings that are safe but probably not what the user wants; printed, never rejected. */
final class BudgetWarnings {
    /** Beyond this a failover is more an outage than a blip; most users would rather know. */
    static final Duration SLOW_FAILOVER = Duration.ofSeconds(60);

    private BudgetWarnings() {}

    static List<Finding> check(ClusterConfig config, List<GroupBudget> budgets, Blame blame) {
        List<Finding> found = new ArrayList<>();
        java.util.Map<haven.core.ResourceId, ResourceConfig> byId = FailoverBudget.byId(config);
        for (GroupConfig g : config.groups()) {
            found.addAll(stopsCutShort(g, config, byId, blame));
        }
        java.util.Map<haven.core.GroupId, GroupConfig> groups = new java.util.HashMap<>();
        config.groups().forEach(g -> groups.put(g.id(), g));
        for (GroupBudget b : budgets) {
            if (b.worstCase().compareTo(SLOW_FAILOVER) > 0) {
                GroupConfig g = groups.get(b.group());
                found.add(new Finding(Severity.WARNING, blame.problem(blame.group(g),
                        "groups[" + g.id() + "]: a failover may take up to " + HumanDuration.format(b.worstCase())
                                + " (more than " + HumanDuration.format(SLOW_FAILOVER) + "), of which "
                                + HumanDuration.format(b.probeStart()) + " is probing and starting its members"
                                + (b.fence().isZero() ? "" : " and " + HumanDuration.format(b.fence()) + " fencing"),
                        "the members' start_timeout values add up, plus the slowest monitor_timeout; lower them to "
                                + "what the resources really need" + (b.fence().isZero() ? "" : "; a fence device's "
                                + "timeout counts twice (off, then status) and every level of the slowest node adds "
                                + "up, so give devices the timeout they need, not more"))));
            }
        }
        return found;
    }

    /**
     * A node that loses its lease stops its groups politely, last member first, from a stop lead before the
     * lease's end ({@code Timing.stopLead}), but its guard force-stops whatever still runs two lease_margins
     * after the lease ended ({@code Timing.guardSlack}), so that the group cannot overlap with its start
     * elsewhere. A member whose stop may not be finished by then may lose its clean shutdown.
     * Only stop timeouts the user wrote are warned about: a default says nothing about what the service
     * needs, and a warning on every default would teach people to skip warnings.
     */
    private static List<Finding> stopsCutShort(GroupConfig g, ClusterConfig config,
                                               java.util.Map<haven.core.ResourceId, ResourceConfig> byId, Blame blame) {
        Duration window = config.timing().stopLead().plus(config.timing().guardSlack());
        List<Finding> found = new ArrayList<>();
        Duration doneBy = Duration.ZERO;
        List<String> stoppedBefore = new ArrayList<>();
        List<ResourceConfig> members = g.startOrder().stream().map(byId::get).toList();
        for (ResourceConfig r : members.reversed()) {
            doneBy = doneBy.plus(r.stopTimeout());
            if (doneBy.compareTo(window) > 0 && blame.written(r, "stop_timeout")) {
                String after = stoppedBefore.isEmpty() ? "" : ", after " + String.join(", ", stoppedBefore);
                found.add(new Finding(Severity.WARNING, blame.problem(blame.resource(r, "stop_timeout"),
                        "resources[" + r.id() + "]: after a lease loss its stop may run until "
                                + HumanDuration.format(doneBy) + " after it began (stop_timeout "
                                + haven.core.Durations.format(r.stopTimeout()) + after + "), but the guard force-stops it at "
                                + HumanDuration.format(window) + " (a stop lead before the lease ends plus two lease_margins after)",
                        "the forced stop is safe but skips a clean shutdown; if " + r.id() + " needs one, lower the "
                                + "stop_timeout of it and of the members after it to what they need, or raise "
                                + "timing.lease_margin (every failover then waits that much longer)")));
            }
            stoppedBefore.add(r.id().name());
        }
        return found;
    }
}
