package haven.timeline;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One line of the cluster timeline. {@code version} is the cluster-state version the committed log entry
 * produced and {@code index} the record's place within that entry: together they order the timeline the
 * same way on every node. {@code atEpochMs} is the proposer's wall clock (or the note's own time), carried
 * in the entry; {@code proposer} the node that proposed it. {@code fields} use the event stream's names.
 */
public record TimelineRecord(long version, int index, long atEpochMs, String type, String proposer, Map<String, Object> fields,
        String text) {
    /** The fields that name a node the record is about (who joined or left, was fenced, or fenced). */
    static final List<String> NODE_FIELDS = List.of("node", "by", "to", "previous", "joined", "left", "nodes");
    private static final Set<String> OWN_KEYS = Set.of("version", "index", "at", "time", "type", "proposer", "text");

    public TimelineRecord {
        // Whole numbers as Long whichever way they came (a JSON reader gives Integer for small ones), so a record
        // read back from the journal equals the one written.
        Map<String, Object> f = new LinkedHashMap<>();
        fields.forEach((k, v) -> f.put(k, v instanceof Integer || v instanceof Short ? Long.valueOf(((Number) v).longValue()) : v));
        fields = Collections.unmodifiableMap(f);
        proposer = proposer == null ? "" : proposer;
    }

    /** "V.I", the record's place: a follower asks for what comes after it. */
    public String position() {
        return version + "." + index;
    }

    public boolean after(TimelineQuery.Position p) {
        return version > p.version() || (version == p.version() && index > p.index());
    }

    /** The JSON object of one line of the journal file and of GET /ha/log. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("index", index);
        m.put("at", atEpochMs);
        m.put("time", Instant.ofEpochMilli(atEpochMs).toString());
        m.put("type", type);
        m.put("proposer", proposer);
        fields.forEach((k, v) -> {
            if (!OWN_KEYS.contains(k)) m.put(k, v);
        });
        m.put("text", text);
        return m;
    }

    static TimelineRecord fromMap(Map<String, Object> m) {
        Map<String, Object> f = new LinkedHashMap<>(m);
        OWN_KEYS.forEach(f::remove);
        return new TimelineRecord(((Number) m.get("version")).longValue(), ((Number) m.get("index")).intValue(),
                ((Number) m.get("at")).longValue(), (String) m.get("type"), (String) m.get("proposer"), f, (String) m.get("text"));
    }

    /** Whether any of the node fields names {@code node}. */
    boolean mentionsNode(String node) {
        for (String k : NODE_FIELDS) {
            Object v = fields.get(k);
            if (node.equals(v) || (v instanceof List<?> l && l.contains(node))) return true;
        }
        return false;
    }
}
