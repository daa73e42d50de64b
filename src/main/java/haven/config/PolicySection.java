package haven.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The optional {@code policy:} section: stickiness and when repeated failures move a group away. */
final class PolicySection {
    static final List<String> KEYS = List.of("stickiness", "migration_threshold", "failure_window", "multiple_active", "time_zone",
            "strategy");

    private PolicySection() {}

    static Optional<Policy> read(Optional<Fields> section, Problems problems) {
        if (section.isEmpty()) {
            return Optional.of(Policy.DEFAULT);
        }
        Fields f = section.get();
        Policy d = Policy.DEFAULT;
        Optional<Boolean> stickiness = f.bool("stickiness", d.stickiness());
        OptionalInt threshold = f.integer("migration_threshold", 1, 1_000_000, d.migrationThreshold(),
                "migration_threshold counts failures before a group moves away; it must be at least 1 "
                        + "(1 moves the group on its first failure)");
        Optional<Duration> window = f.positiveDuration("failure_window", d.failureWindow());
        Optional<Policy.MultipleActive> multipleActive = QuorumSection.choice(f, "multiple_active", Policy.MultipleActive.values(),
                d.multipleActive(), problems);
        Optional<java.time.ZoneId> zone = zone(f, problems);
        Optional<Policy.Strategy> strategy = QuorumSection.choice(f, "strategy", Policy.Strategy.values(), d.strategy(), problems);
        if (stickiness.isEmpty() || threshold.isEmpty() || window.isEmpty() || multipleActive.isEmpty() || zone.isEmpty()
                || strategy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Policy(stickiness.get(), threshold.getAsInt(), window.get(), multipleActive.get(), zone.get(),
                strategy.get()));
    }

    /** {@code time_zone:}, an IANA zone name (Europe/Berlin) or UTC; UTC when absent, empty after a reported problem. */
    private static Optional<java.time.ZoneId> zone(Fields f, Problems problems) {
        if (!f.has("time_zone")) return Optional.of(java.time.ZoneOffset.UTC);
        Optional<String> text = f.text("time_zone");
        if (text.isEmpty()) return Optional.empty();
        try {
            return Optional.of(java.time.ZoneId.of(text.get().strip()));
        } catch (java.time.DateTimeException e) {
            problems.add(f.valuePlace("time_zone"), f.key("time_zone") + " '" + text.get() + "' is not a time zone",
                    "write a zone name such as Europe/Berlin or America/New_York, or UTC (the default)");
            return Optional.empty();
        }
    }
}
