package haven.config.budget;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import haven.config.YamlLimits;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each value of a config file was written, by path ("timing/lease", "resources/0/stop_timeout"), so
 * that budget problems point at the key to change. The validated {@link haven.config.ClusterConfig} keeps
 * no places, so the text is read a second time here; the loader has already accepted it, so this reading
 * only needs to find things, never to judge them. Places use the loader's convention (1-based line and
 * column of the value), so budget problems line up with every other config problem.
 */
public final class YamlPlaces {
    /** A 1-based place in the file; line 0 when no single place is to blame. */
    public record Spot(int line, int column) {
        static final Spot WHOLE_FILE = new Spot(0, 0);

        boolean known() {
            return line > 0;
        }
    }

    public static final YamlPlaces NONE = new YamlPlaces(Map.of(), Map.of());

    private final Map<String, Spot> spots;
    private final Map<String, String> texts;
    private final Map<String, Map<String, Integer>> indexes = new java.util.concurrent.ConcurrentHashMap<>();

    private YamlPlaces(Map<String, Spot> spots, Map<String, String> texts) {
        this.spots = spots;
        this.texts = texts;
    }

    public static YamlPlaces of(String yaml) {
        Map<String, Spot> spots = new HashMap<>();
        Map<String, String> texts = new HashMap<>();
        try (JsonParser p = YamlLimits.factory().createParser(yaml)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME || t.isStructEnd()) {
                    continue;
                }
                // A container's own context is the one it opens; its name or index is in the parent's.
                JsonStreamContext ctx = t.isStructStart() ? p.getParsingContext().getParent() : p.getParsingContext();
                String path = path(ctx);
                JsonLocation at = p.currentTokenLocation();
                spots.putIfAbsent(path, new Spot(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr())));
                if (t.isScalarValue()) {
                    texts.putIfAbsent(path, p.getText());
                }
            }
        } catch (IOException e) {
            // The loader accepted this very text, so this cannot really happen; if it does, only places are lost.
            return NONE;
        }
        return new YamlPlaces(Map.copyOf(spots), Map.copyOf(texts));
    }

    private static String path(JsonStreamContext ctx) {
        Deque<String> segments = new ArrayDeque<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            segments.addFirst(c.inArray() ? String.valueOf(c.getCurrentIndex()) : String.valueOf(c.getCurrentName()));
        }
        return String.join("/", segments);
    }

    public Optional<Spot> at(String path) {
        return Optional.ofNullable(spots.get(path));
    }

    /**
     * The index of the first item of {@code list} whose {@code key} is written as {@code value}. Each
     * (list, key) is indexed once: asked per resource, a scan per question was quadratic (50,000 groups
     * never finished).
     */
    public Optional<Integer> indexWhere(String list, String key, String value) {
        Map<String, Integer> index = indexes.computeIfAbsent(list + "\u0000" + key, k -> {
            Map<String, Integer> byValue = new HashMap<>();
            for (int i = 0; spots.containsKey(list + "/" + i); i++) {
                String text = texts.get(list + "/" + i + "/" + key);
                if (text != null) {
                    byValue.putIfAbsent(text, i);
                }
            }
            return byValue;
        });
        return Optional.ofNullable(index.get(value));
    }
}
