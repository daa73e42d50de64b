package haven.config;

import haven.core.EventTypes;
import haven.core.Suggestions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The optional {@code alerts:} section: a list of {name, script, events, timeout}. The script must be an
 * absolute path to an executable file, checked here so that a typo shows when the config is loaded rather
 * than at the first failover; {@code events} are event types from /ha/events (default: all of them).
 */
final class AlertsSection {
    static final List<String> KEYS = List.of("name", "script", "events", "timeout");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> SUBSCRIBABLE = EventTypes.ALL.stream().filter(t -> !t.equals(EventTypes.ALERT)).toList();

    private AlertsSection() {}

    static Optional<List<AlertHook>> read(Fields top, Problems problems) {
        if (!top.has("alerts")) return Optional.of(List.of());
        Optional<List<YamlNode>> items = top.list("alerts");
        if (items.isEmpty()) return Optional.empty();
        int before = problems.count();
        Map<String, Place> names = new LinkedHashMap<>();
        List<AlertHook> hooks = new ArrayList<>();
        for (int i = 0; i < items.get().size(); i++) {
            Optional<Fields> item = Fields.item("alerts", i, items.get().get(i), KEYS, problems);
            if (item.isEmpty()) continue;
            Fields f = item.get();
            Optional<String> name = f.requiredName("name", "alert");
            if (name.isPresent() && names.putIfAbsent(name.get(), f.valuePlace("name")) != null) {
                problems.add(f.valuePlace("name"), f.key("name") + " '" + name.get() + "' is used twice (first at "
                        + names.get(name.get()).describe() + ")", "give every alert its own name");
            }
            Optional<Path> script = f.requiredText("script", "name the script to run, e.g. script: /etc/haven/alerts/mail.sh")
                    .flatMap(s -> script(f, s, problems));
            Optional<Set<String>> events = events(f, problems);
            Optional<Duration> timeout = f.positiveDuration("timeout", DEFAULT_TIMEOUT);
            if (name.isPresent() && script.isPresent() && events.isPresent() && timeout.isPresent()) {
                hooks.add(new AlertHook(name.get(), script.get(), events.get(), timeout.get()));
            }
        }
        return problems.count() == before ? Optional.of(hooks) : Optional.empty();
    }

    private static Optional<Path> script(Fields f, String text, Problems problems) {
        Path p = Path.of(text);
        String what = f.key("script") + " '" + text + "'";
        if (!p.isAbsolute()) {
            problems.add(f.valuePlace("script"), what + " is not an absolute path",
                    "write the full path: the daemon runs it from / with its own environment");
        } else if (!Files.isRegularFile(p)) {
            problems.add(f.valuePlace("script"), what + " does not exist (or is not a file)",
                    "install the script at that path on every node, or correct the path");
        } else if (!Files.isExecutable(p)) {
            problems.add(f.valuePlace("script"), what + " is not executable", "chmod +x " + p);
        } else {
            return Optional.of(p);
        }
        return Optional.empty();
    }

    private static Optional<Set<String>> events(Fields f, Problems problems) {
        if (!f.has("events")) return Optional.of(Set.of());
        Optional<List<YamlNode>> list = f.list("events");
        if (list.isEmpty()) return Optional.empty();
        Set<String> types = new LinkedHashSet<>();
        boolean ok = true;
        for (YamlNode n : list.get()) {
            String t = n instanceof YamlNode.Scalar s ? s.text() : n.describe();
            if (!SUBSCRIBABLE.contains(t)) {
                problems.add(n.place(), f.key("events") + " '" + t + "' is not an event type"
                        + (t.equals(EventTypes.ALERT) ? " an alert can follow (it would call itself)" : ""),
                        Suggestions.hint(t, SUBSCRIBABLE));
                ok = false;
            }
            types.add(t);
        }
        return ok ? Optional.of(types) : Optional.empty();
    }
}
