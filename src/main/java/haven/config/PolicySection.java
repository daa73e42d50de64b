package haven.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The optional {@code policy:} section: stickiness and when repeated failures move a group away. */
final class PolicySection {
    static final List<String> KEYS = List.of("stickiness", "migration_threshold", "failure_window", "multiple_active");

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
        if (stickiness.isEmpty() || threshold.isEmpty() || window.isEmpty() || multipleActive.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Policy(stickiness.get(), threshold.getAsInt(), window.get(), multipleActive.get()));
    }
}
