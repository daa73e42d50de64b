package haven.api;

import haven.config.fence.Secrets;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The secrets written in a config text, so that reads can hide them and writes can keep them: the cluster
 * key ({@code cluster.key}), and every parameter that {@link Secrets} calls secret (a name with "passw") of a
 * fence device or a resource. Only the value's own characters are replaced, so the text keeps its comments,
 * order and layout. A secret is named by its path, devices and resources by their names
 * ({@code fencing.devices[ipmi-n1].params.password}), so that a redacted value finds its stored one even when
 * the change reordered the list.
 */
final class ConfigSecrets {
    /** What a redacted value reads as; a plain YAML scalar, valid in block and flow style alike. */
    static final String REDACTED = "<redacted>";

    /** One secret value: its path, its place in the text (char offsets, end exclusive), its value and how it is written. */
    record Secret(String path, int start, int end, String value, String raw) {}

    private ConfigSecrets() {}

    /** The text with every secret value replaced by {@link #REDACTED}. */
    static String redact(String text) {
        StringBuilder out = new StringBuilder(text);
        List<Secret> found = find(text);
        if (found == null) {
            // Never the text unredacted: what cannot be parsed cannot be searched for its secrets.
            return "# this config text is not YAML that can be searched for secrets, so it is not shown here;\n"
                    + "# read it as root on a node: haven config show --secrets\n";
        }
        for (int i = found.size() - 1; i >= 0; i--) out.replace(found.get(i).start(), found.get(i).end(), REDACTED);
        return out.toString();
    }

    /**
     * {@code incoming} with each value written as {@link #REDACTED} replaced by the value at the same path in
     * {@code stored}, written as it was there. A redacted value with nothing stored at its path is an error
     * (422) naming the path: the secret has to be written in clear once.
     */
    static String restore(String incoming, String stored) {
        Map<String, Secret> kept = new LinkedHashMap<>();
        for (Secret s : orNone(find(stored))) kept.put(s.path(), s);
        List<Secret> wanted = orNone(find(incoming)).stream().filter(s -> s.value().equals(REDACTED)).toList();
        List<String> missing = wanted.stream().map(Secret::path).filter(p -> !kept.containsKey(p)).toList();
        if (!missing.isEmpty()) {
            throw new ApiError(422, "config refused, nothing changed: " + String.join(", ", missing) + (missing.size() == 1
                    ? " is " : " are ") + REDACTED + ", but the running config has no value there to keep; write the secret"
                    + " in clear (" + REDACTED + " keeps a secret only where the running config has one)");
        }
        StringBuilder out = new StringBuilder(incoming);
        for (int i = wanted.size() - 1; i >= 0; i--) {
            Secret s = wanted.get(i);
            out.replace(s.start(), s.end(), kept.get(s.path()).raw());
        }
        return out.toString();
    }

    private static List<Secret> orNone(List<Secret> found) {
        return found == null ? List.of() : found;
    }

    /** The secrets of {@code text} in text order, or null when it is not YAML. */
    static List<Secret> find(String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (RuntimeException e) {
            return null;
        }
        List<Secret> out = new ArrayList<>();
        if (!(root instanceof MappingNode top)) return out;
        for (Node cluster : values(top, "cluster")) {
            if (!(cluster instanceof MappingNode c)) continue;
            for (Node key : values(c, "key")) {
                if (key instanceof ScalarNode s) out.add(secret(text, "cluster.key", s));
            }
        }
        for (Node fencing : values(top, "fencing")) {
            if (fencing instanceof MappingNode f) {
                for (Node devices : values(f, "devices")) paramsOfItems(text, "fencing.devices", devices, out);
            }
        }
        for (Node resources : values(top, "resources")) paramsOfItems(text, "resources", resources, out);
        // An alias points at its anchor's place: one value may be found twice, and is replaced once.
        Map<Integer, Secret> byStart = new java.util.TreeMap<>();
        for (Secret s : out) byStart.putIfAbsent(s.start(), s);
        return new ArrayList<>(byStart.values());
    }

    private static void paramsOfItems(String text, String list, Node items, List<Secret> out) {
        if (!(items instanceof SequenceNode seq)) return;
        for (int i = 0; i < seq.getValue().size(); i++) {
            if (!(seq.getValue().get(i) instanceof MappingNode item)) continue;
            List<Node> names = values(item, "name");
            String label = !names.isEmpty() && names.get(0) instanceof ScalarNode n ? n.getValue() : Integer.toString(i);
            for (Node p : values(item, "params")) {
                if (!(p instanceof MappingNode params)) continue;
                for (NodeTuple t : params.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k && Secrets.isSecret(k.getValue()) && t.getValueNode() instanceof ScalarNode v) {
                        out.add(secret(text, list + "[" + label + "].params." + k.getValue(), v));
                    }
                }
            }
        }
    }

    /** Every value of {@code key} in the mapping: a duplicate key is refused by the config check, but hidden all the same. */
    private static List<Node> values(MappingNode m, String key) {
        List<Node> out = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) out.add(t.getValueNode());
        }
        return out;
    }

    /** SnakeYAML counts code points; the text is indexed in chars. A block scalar's end may take line breaks, which stay. */
    private static Secret secret(String text, String path, ScalarNode s) {
        int start = text.offsetByCodePoints(0, s.getStartMark().getIndex());
        int end = text.offsetByCodePoints(0, s.getEndMark().getIndex());
        while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) end--;
        return new Secret(path, start, end, s.getValue(), text.substring(start, end));
    }
}
