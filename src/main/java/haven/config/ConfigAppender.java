package haven.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Adds resources and one group to a config file's text without disturbing anything else in it: the user's
 * comments, order, quoting and blank lines stay as written, because the new entries are spliced in as text
 * at the end of the {@code resources:} and {@code groups:} block lists rather than by re-serialising a tree
 * (which would drop every comment). The result is checked with {@link ConfigLoader} before it is returned.
 */
public final class ConfigAppender {
    private static final String SECTION_HINT = "write it as a block list, one '- name: ...' item a line, as"
            + " `haven config example` shows";

    /** What to add: resource items and one group item, each text starting "- name: " at column 1. */
    public record Addition(List<String> resourceNames, List<String> resourceItems, String groupName, String groupItem) {
        public Addition {
            resourceNames = List.copyOf(resourceNames);
            resourceItems = List.copyOf(resourceItems);
        }
    }

    private ConfigAppender() {}

    /**
     * The new text of the file, or the problems: the file does not parse, a name is taken (reported at
     * the existing entry), a section is not a block list, or the result would not be a valid config.
     * {@code baseDir} resolves a relative key_file as the loader does.
     */
    public static String append(String yaml, String source, Path baseDir, Addition add) throws ConfigException {
        Problems problems = new Problems(source);
        Optional<YamlNode> root = YamlReader.read(yaml, problems);
        problems.throwIfAny();
        if (root.isEmpty() || !(root.get() instanceof YamlNode.Mapping map)) {
            problems.add(Place.START, "the file must be a mapping with the sections " + String.join(", ",
                    ConfigLoader.SECTIONS) + " before anything can be added to it",
                    "start from the output of `haven config example`");
            problems.throwIfAny();
            throw new AssertionError("unreachable: a problem was just added");
        }
        if (find(map, "haresources").isPresent()) {
            problems.add(find(map, "haresources").get().keyPlace(), "this file describes its groups in"
                    + " haresources:, which cannot hold agent parameters", "convert it to resources: and groups:"
                    + " first, or add the service by hand");
        }
        refuseTaken(map, "resources", add.resourceNames(), "resource", problems);
        refuseTaken(map, "groups", List.of(add.groupName()), "group", problems);
        problems.throwIfAny();
        // A file written with CRLF line ends keeps them, new lines included.
        String eol = yaml.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>(List.of(yaml.split(eol, -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // the final newline; put back on join
        }
        // Groups first: inserting there never moves the resources block when groups come after it, and the
        // line numbers of both keys are looked up afresh below anyway.
        Splice groups = splice(map, "groups", lines, problems);
        Splice resources = splice(map, "resources", lines, problems);
        problems.throwIfAny();
        List<Splice> order = new ArrayList<>(List.of(groups.withItems(List.of(add.groupItem())),
                resources.withItems(add.resourceItems())));
        // Apply the later place in the file first, so the earlier place's line number stays right.
        order.sort((a, b) -> Integer.compare(b.afterLine(), a.afterLine()));
        for (Splice s : order) s.applyTo(lines);
        String result = String.join(eol, lines) + eol;
        ConfigLoader.parse(result, source + " (with the new entries)", baseDir);
        return result;
    }

    private static Optional<YamlNode.Entry> find(YamlNode.Mapping map, String key) {
        return map.entries().stream().filter(e -> e.key().equals(key)).findFirst();
    }

    private static void refuseTaken(YamlNode.Mapping map, String section, List<String> names, String what,
                                    Problems problems) {
        Optional<YamlNode.Entry> entry = find(map, section);
        if (entry.isEmpty() || !(entry.get().value() instanceof YamlNode.Sequence seq)) return;
        for (YamlNode item : seq.items()) {
            if (!(item instanceof YamlNode.Mapping m)) continue;
            Optional<YamlNode.Entry> name = find(m, "name");
            if (name.isPresent() && name.get().value() instanceof YamlNode.Scalar s && names.contains(s.text())) {
                problems.add(s.place(), section + ": a " + what + " named '" + s.text() + "' exists already",
                        "choose another NAME for `haven add`, or remove the existing " + what + " first");
            }
        }
    }

    /** Where new items go: after line {@code afterLine} (0-based, -1 for "append a new section"). */
    private record Splice(String section, int afterLine, int indent, List<String> items) {
        Splice withItems(List<String> more) {
            return new Splice(section, afterLine, indent, more);
        }

        void applyTo(List<String> lines) {
            List<String> text = new ArrayList<>();
            String pad = " ".repeat(indent);
            for (String item : items) {
                for (String l : item.strip().split("\n")) text.add(l.isBlank() ? "" : pad + l);
            }
            if (afterLine < 0) {
                text.add(0, section + ":");
                lines.addAll(text);
            } else {
                lines.addAll(afterLine + 1, text);
            }
        }
    }

    private static Splice splice(YamlNode.Mapping map, String section, List<String> lines, Problems problems) {
        Optional<YamlNode.Entry> entry = find(map, section);
        if (entry.isEmpty()) return new Splice(section, -1, 2, List.of());
        Place key = entry.get().keyPlace();
        int keyLine = key.line() - 1;
        if (key.column() != 1) {
            problems.add(key, section + ": is not at the start of its line", SECTION_HINT);
            return new Splice(section, -1, 2, List.of());
        }
        String rest = stripComment(lines.get(keyLine).substring(lines.get(keyLine).indexOf(':') + 1)).strip();
        if (!rest.isEmpty() && !rest.equals("~") && !rest.equals("null")) {
            problems.add(entry.get().value().place(), section + ": is written on one line ('" + rest
                    + "'), so haven add cannot append to it without rewriting it", SECTION_HINT);
            return new Splice(section, -1, 2, List.of());
        }
        int last = keyLine;
        int indent = -1;
        for (int i = keyLine + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank()) continue;
            boolean topLevelComment = l.startsWith("#");
            boolean inBlock = l.startsWith(" ") || l.startsWith("\t") || l.startsWith("-") && !l.startsWith("---");
            if (!inBlock && !topLevelComment) break;
            if (topLevelComment) continue; // may introduce the next section; new items go above it
            if (indent < 0 && l.strip().startsWith("-")) indent = l.indexOf('-');
            if (!l.strip().startsWith("#")) last = i;
        }
        if (rest.equals("~") || rest.equals("null")) {
            problems.add(entry.get().value().place(), section + ": is set to null", "remove the '" + rest
                    + "' so that it is an empty block list");
        }
        return new Splice(section, last, indent < 0 ? 2 : indent, List.of());
    }

    /** The text before a YAML comment; a '#' counts only at the start or after a blank, as in YAML. */
    private static String stripComment(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '#' && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) return s.substring(0, i);
        }
        return s;
    }
}
