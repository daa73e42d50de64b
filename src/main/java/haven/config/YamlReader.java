package haven.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns YAML text into a {@link YamlNode} tree with places, using Jackson's streaming YAML parser (whose
 * token locations are SnakeYAML's marks, 1-based). A syntax error ends reading: after it, places and
 * structure are guesses, so it is reported alone. So does text beyond {@link YamlLimits}, which is refused
 * before the parser sees it.
 */
final class YamlReader {
    /** Thrown out of the recursion when the text nests deeper than any config; already reported. */
    private static final class TooDeep extends RuntimeException {
        TooDeep() {
            super(null, null, false, false);
        }
    }

    private final YAMLParser parser;
    private final Problems problems;

    private YamlReader(YAMLParser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /** The document's root, or empty when the text has a syntax error or is empty (both reported). */
    static Optional<YamlNode> read(String yaml, Problems problems) {
        if (!withinLimits(yaml, problems)) {
            return Optional.empty();
        }
        try (YAMLParser parser = (YAMLParser) YamlLimits.factory().createParser(yaml)) {
            YamlReader reader = new YamlReader(parser, problems);
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(Place.START, "the file is empty",
                        "start from the output of `haven config example`");
                return Optional.empty();
            }
            YamlNode root = reader.value(first, 1);
            if (parser.nextToken() != null) {
                problems.add(reader.here(), "a second YAML document starts here; a config file holds one",
                        "remove the second '---' and everything after it, or merge the two documents");
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            reportSyntaxError(e, problems);
            return Optional.empty();
        } catch (TooDeep e) {
            return Optional.empty();
        } catch (IOException e) {
            // Reading from a String does no I/O; this would be a Jackson bug, not a user error.
            throw new IllegalStateException("reading YAML from memory failed", e);
        }
    }

    /**
     * The whole text, then each line, against {@link YamlLimits}; only the first line too long is reported,
     * since a file with one is usually not a config at all.
     */
    static boolean withinLimits(String yaml, Problems problems) {
        if (yaml.length() > YamlLimits.MAX_FILE_BYTES) {
            problems.add(Place.WHOLE_FILE, "the config text is " + yaml.length() + " characters, over the limit of "
                    + YamlLimits.MAX_FILE_BYTES + " (" + YamlLimits.mebibytes(YamlLimits.MAX_FILE_BYTES) + ")",
                    "a cluster config of 50,000 groups is about 7 MB; check that this is the right file");
            return false;
        }
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i <= yaml.length(); i++) {
            if (i == yaml.length() || isLineBreak(yaml, i)) {
                int length = i - lineStart;
                if (length > YamlLimits.MAX_LINE_CHARS) {
                    problems.add(new Place(line, YamlLimits.MAX_LINE_CHARS + 1), "line " + line + " is " + length
                            + " characters long, over the limit of " + YamlLimits.MAX_LINE_CHARS + " for one line",
                            "break the value over several lines (a YAML block scalar, '>' or '|'), or check that this "
                                    + "is the right file: no config value needs a line this long");
                    return false;
                }
                line++;
                lineStart = i + 1;
            }
        }
        return true;
    }

    /** YAML breaks lines at LF, CRLF and a lone CR; a CRLF counts once, at its LF. */
    private static boolean isLineBreak(String yaml, int i) {
        char c = yaml.charAt(i);
        return c == '\n' || (c == '\r' && (i + 1 == yaml.length() || yaml.charAt(i + 1) != '\n'));
    }

    private YamlNode value(JsonToken token, int depth) throws IOException {
        Place place = here();
        if (depth > YamlLimits.MAX_NESTING && token.isStructStart()) {
            problems.add(place, "the YAML nests deeper than " + YamlLimits.MAX_NESTING + " levels here",
                    "a haven config nests at most 6 levels; check the indentation and the brackets");
            throw new TooDeep();
        }
        if (parser.isCurrentAlias()) {
            problems.add(place, "YAML aliases (*" + parser.getText() + ") are not supported in a haven config",
                    "write the value out in full; each place in the file should say what it means");
        }
        return switch (token) {
            case START_OBJECT -> mapping(place, depth);
            case START_ARRAY -> sequence(place, depth);
            case VALUE_STRING -> new YamlNode.Scalar(boundedText(place), YamlNode.Kind.STRING, place);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                    new YamlNode.Scalar(parser.getText(), YamlNode.Kind.NUMBER, place);
            case VALUE_TRUE -> new YamlNode.Scalar(parser.getText(), YamlNode.Kind.TRUE, place);
            case VALUE_FALSE -> new YamlNode.Scalar(parser.getText(), YamlNode.Kind.FALSE, place);
            case VALUE_NULL -> new YamlNode.Scalar(parser.getText(), YamlNode.Kind.NULL, place);
            default -> throw new IllegalStateException("unexpected YAML token " + token + " at " + place);
        };
    }

    /** A string value over {@link YamlLimits#MAX_SCALAR_CHARS} is reported and kept short, so it is not copied about. */
    private String boundedText(Place place) throws IOException {
        String text = parser.getText();
        if (text.length() <= YamlLimits.MAX_SCALAR_CHARS) {
            return text;
        }
        problems.add(place, "this value is " + text.length() + " characters long, over the limit of "
                + YamlLimits.MAX_SCALAR_CHARS + " for one value", "no config value needs that much; put long content "
                + "(a script, a certificate) in a file of its own and name the file here");
        return text.substring(0, 64);
    }

    private YamlNode.Mapping mapping(Place place, int depth) throws IOException {
        List<YamlNode.Entry> entries = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String key = parser.currentName();
            Place keyPlace = here();
            YamlNode value = value(parser.nextToken(), depth + 1);
            entries.add(new YamlNode.Entry(key, keyPlace, value));
        }
        return new YamlNode.Mapping(entries, place);
    }

    private YamlNode.Sequence sequence(Place place, int depth) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            items.add(value(t, depth + 1));
        }
        return new YamlNode.Sequence(items, place);
    }

    private Place here() {
        JsonLocation at = parser.currentTokenLocation();
        return new Place(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()));
    }

    /** SnakeYAML's own marks are more precise than Jackson's location for syntax errors; prefer them. */
    private static void reportSyntaxError(JsonProcessingException e, Problems problems) {
        String hint = "fix the YAML syntax here: indent with spaces (never tabs), put a space after each ':', "
                + "and quote values that contain ': ' or start with a special character";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark at = marked.getProblemMark();
                String message = "YAML syntax error: " + marked.getProblem();
                Mark context = marked.getContextMark();
                if (marked.getContext() != null && context != null) {
                    message += ", " + marked.getContext() + " that starts at line " + (context.getLine() + 1)
                            + ", column " + (context.getColumn() + 1);
                }
                problems.add(new Place(at.getLine() + 1, at.getColumn() + 1), message, hint);
                return;
            }
        }
        JsonLocation at = e.getLocation();
        Place place = at == null ? Place.START : new Place(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()));
        problems.add(place, "YAML syntax error: " + e.getOriginalMessage(), hint);
    }
}
