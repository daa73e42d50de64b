package haven.timeline;

import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.Durations;
import haven.core.GroupId;
import haven.core.ResourceId;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A question to the timeline: records at or after a time, about a resource (or its group), about a node,
 * after a position (what a follower has seen), at most {@code limit} of them (the newest, unless
 * {@code after} is given: then the oldest after it, so a follower pages forward without a hole).
 */
public record TimelineQuery(Optional<Long> sinceEpochMs, Optional<String> resource, Optional<String> node,
        Optional<TimelineQuery.Position> after, int limit) {
    /** A record's place in the timeline, "VERSION.INDEX". */
    public record Position(long version, int index) {}

    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 100_000;
    private static final Set<String> KEYS = Set.of("since", "resource", "node", "after", "limit");

    /**
     * Reads GET /ha/log's parameters; {@code since} is a duration back from {@code nowEpochMs} ("10m"), an
     * instant ("2026-12-01T13:00:00Z") or a local date-time ("2026-12-01T14:00:00"). Bad input names the
     * parameter and the form it takes (IllegalArgumentException).
     */
    public static TimelineQuery parse(Map<String, String> params, ClusterConfig config, long nowEpochMs) {
        for (String k : params.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown parameter '" + k + "' for /ha/log; it takes " + new TreeSet<>(KEYS));
            }
        }
        Optional<Long> since = Optional.ofNullable(params.get("since")).map(s -> since(s, nowEpochMs));
        Optional<String> resource = Optional.ofNullable(params.get("resource"));
        resource.ifPresent(r -> {
            if (config.resource(ResourceId.of(r)).isEmpty() && config.group(GroupId.of(r)).isEmpty()) {
                throw new IllegalArgumentException("resource=" + r + ": no resource or group of that name; resources: "
                        + config.resources().stream().map(x -> x.id().name()).toList());
            }
        });
        Optional<String> node = Optional.ofNullable(params.get("node"));
        node.ifPresent(n -> {
            if (config.nodeIds().stream().noneMatch(x -> x.name().equals(n))) {
                throw new IllegalArgumentException("node=" + n + ": no node of that name; nodes: " + config.nodeIds());
            }
        });
        Optional<Position> after = Optional.ofNullable(params.get("after")).map(TimelineQuery::position);
        int limit = Optional.ofNullable(params.get("limit")).map(TimelineQuery::limit).orElse(DEFAULT_LIMIT);
        return new TimelineQuery(since, resource, node, after, limit);
    }

    static long since(String s, long nowEpochMs) {
        String t = s.strip();
        if (t.matches("\\d+(ms|s|m|h)")) return nowEpochMs - Durations.parse(t).toMillis();
        if (t.matches("\\d+d")) return nowEpochMs - Long.parseLong(t.substring(0, t.length() - 1)) * 86_400_000L;
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("since=" + s + " is neither a duration back from now (30s, 10m, 2h, 1d) nor a"
                        + " time (2026-12-01T13:00:00Z, or 2026-12-01T14:00:00 in this machine's zone)");
            }
        }
    }

    private static Position position(String s) {
        String[] p = s.strip().split("\\.");
        try {
            if (p.length == 2) return new Position(Long.parseLong(p[0]), Integer.parseInt(p[1]));
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new IllegalArgumentException("after=" + s + " is not a position: write VERSION.INDEX as a record's 'version' and"
                + " 'index' give it (e.g. after=120.0)");
    }

    private static int limit(String s) {
        try {
            int n = Integer.parseInt(s.strip());
            if (n >= 1 && n <= MAX_LIMIT) return n;
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new IllegalArgumentException("limit=" + s + " must be a whole number from 1 to " + MAX_LIMIT);
    }

    public boolean matches(TimelineRecord r, ClusterConfig config) {
        if (sinceEpochMs.isPresent() && r.atEpochMs() < sinceEpochMs.get()) return false;
        if (after.isPresent() && !r.after(after.get())) return false;
        if (node.isPresent() && !r.mentionsNode(node.get())) return false;
        return resource.map(x -> about(r, x, config)).orElse(true);
    }

    /** A record about the resource itself, or about its group (a group's placement is where the resource runs). */
    private static boolean about(TimelineRecord r, String name, ClusterConfig config) {
        if (name.equals(r.fields().get("resource")) || name.equals(r.fields().get("group"))) return true;
        Optional<GroupConfig> g = config.resource(ResourceId.of(name)).map(rc -> config.groupOf(rc.id()));
        return g.isPresent() && g.get().id().name().equals(r.fields().get("group"));
    }

    /** The records that answer the query, oldest first. */
    public List<TimelineRecord> select(List<TimelineRecord> records, ClusterConfig config) {
        List<TimelineRecord> hit = new ArrayList<>();
        for (TimelineRecord r : records) {
            if (matches(r, config)) hit.add(r);
        }
        if (hit.size() <= limit) return hit;
        return after.isPresent() ? List.copyOf(hit.subList(0, limit)) : List.copyOf(hit.subList(hit.size() - limit, hit.size()));
    }
}
