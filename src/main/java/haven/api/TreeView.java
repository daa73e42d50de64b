package haven.api;

import haven.cib.Codec;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Finds a path in the /ha tree and renders what is there: a leaf (a scalar, or a list of scalars) as plain
 * text, one list item per line, so that {@code $(curl .../state)} needs no parsing; a branch as JSON. A
 * client that asks for JSON gets JSON for leaves too.
 */
public final class TreeView {
    /** A body and its media type. */
    public record Reply(String contentType, String body) {}

    private TreeView() {}

    /** The node at {@code segments} below {@code root}; a 404 naming what exists there if nothing does. */
    public static Object lookup(Map<String, Object> root, List<String> segments) {
        Object at = root;
        StringBuilder path = new StringBuilder("/ha");
        for (String seg : segments) {
            if (!(at instanceof Map<?, ?> branch)) {
                throw ApiError.notFound(path + " is a leaf; it has no '" + seg + "' below it");
            }
            if (!branch.containsKey(seg)) {
                throw ApiError.notFound("no '" + seg + "' under " + path + "; it holds: "
                        + branch.keySet().stream().map(String::valueOf).collect(Collectors.joining(", ")));
            }
            at = branch.get(seg);
            path.append('/').append(seg);
        }
        return at;
    }

    public static boolean isBranch(Object node) {
        return node instanceof Map<?, ?> || (node instanceof List<?> l && l.stream().anyMatch(x -> x instanceof Map<?, ?>));
    }

    public static Reply render(Object node, boolean json) {
        if (json || isBranch(node)) {
            return new Reply("application/json", Codec.toJson(node) + "\n");
        }
        return new Reply("text/plain", plain(node));
    }

    private static String plain(Object leaf) {
        if (leaf == null) return "\n";
        if (leaf instanceof List<?> items) {
            StringBuilder b = new StringBuilder();
            for (Object x : items) b.append(x).append('\n');
            return b.toString();
        }
        String s = String.valueOf(leaf);
        return s.endsWith("\n") ? s : s + "\n";
    }
}
