package haven.config.budget;

import haven.config.ClusterConfig;
import haven.config.ConfigProblem;
import haven.config.GroupConfig;
import haven.config.ResourceConfig;
import haven.config.budget.YamlPlaces.Spot;
import java.util.Optional;

/**
 * Turns "this timer" or "this resource" into the place in the file to show, falling back to the nearest
 * thing that was written: a timer left at its default has no line of its own, and in the haresources
 * short form a resource or group is only a part of one line.
 */
public final class Blame {
    private final String source;
    private final java.util.function.Supplier<YamlPlaces> read;
    private YamlPlaces places;
    private final ClusterConfig config;

    private Blame(String source, java.util.function.Supplier<YamlPlaces> read, ClusterConfig config) {
        this.source = source;
        this.read = read;
        this.config = config;
    }

    /**
     * Places are found by reading the text again, which for a large file costs as much as loading it, so
     * only when a finding needs one.
     */
    public static Blame lazy(String source, String yaml, ClusterConfig config) {
        return new Blame(source, () -> yaml == null ? YamlPlaces.NONE : YamlPlaces.of(yaml), config);
    }

    private YamlPlaces places() {
        if (places == null) {
            places = read.get();
        }
        return places;
    }

    /** The value of {@code key} of the resource, else its name, else the short-form line that holds it. */
    public Spot resource(ResourceConfig r, String key) {
        Optional<Integer> i = places().indexWhere("resources", "name", r.id().name());
        if (i.isPresent()) {
            return places().at("resources/" + i.get() + "/" + key)
                    .or(() -> places().at("resources/" + i.get() + "/name")).orElse(Spot.WHOLE_FILE);
        }
        return shortFormLine(config.groupOf(r.id()));
    }

    /** Whether the resource's {@code key} is written in the file (not left to its default). */
    public boolean written(ResourceConfig r, String key) {
        return places().indexWhere("resources", "name", r.id().name())
                .flatMap(i -> places().at("resources/" + i + "/" + key)).isPresent();
    }

    /** The group's name; for the implicit group of a lone resource, that resource's name. */
    public Spot group(GroupConfig g) {
        String name = g.id().name();
        return places().indexWhere("groups", "name", name).flatMap(i -> places().at("groups/" + i + "/name"))
                .or(() -> places().indexWhere("resources", "name", name).flatMap(i -> places().at("resources/" + i + "/name")))
                .orElseGet(() -> shortFormLine(g));
    }

    /**
     * The first of {@code keys} written for the fence device (paths below it, such as "params/ip"), else its
     * name, else the fencing section.
     */
    public Spot device(String name, String... keys) {
        Optional<Integer> i = places().indexWhere("fencing/devices", "name", name);
        if (i.isEmpty()) {
            return places().at("fencing").orElse(Spot.WHOLE_FILE);
        }
        for (String key : keys) {
            Optional<Spot> at = places().at("fencing/devices/" + i.get() + "/" + key);
            if (at.isPresent()) {
                return at.get();
            }
        }
        return places().at("fencing/devices/" + i.get() + "/name").orElse(Spot.WHOLE_FILE);
    }

    /** Short and long form never mix, so with haresources the n-th group is the n-th line. */
    private Spot shortFormLine(GroupConfig g) {
        int n = config.groups().indexOf(g);
        return places().at("haresources/" + n).or(() -> places().at("haresources")).orElse(Spot.WHOLE_FILE);
    }

    public ConfigProblem problem(Spot at, String message, String hint) {
        return new ConfigProblem(source, at.line(), at.column(), message, hint);
    }
}
