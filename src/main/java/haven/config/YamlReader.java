package haven.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
 * structure are guesses, so it is reported alone.
 */
final class YamlReader {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final YAMLParser parser;
    private final Problems problems;

    private YamlReader(YAMLParser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /** The document's root, or empty when the text has a syntax error or is empty (both reported). */
    static Optional<YamlNode> read(String yaml, Problems problems) {
        try (YAMLParser parser = FACTORY.createParser(yaml)) {
            YamlReader reader = new YamlReader(parser, problems);
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(Place.START, "the file is empty",
                        "start from the output of `haven config example`");
                return Optional.empty();
            }
            YamlNode root = reader.value(first);
            if (parser.nextToken() != null) {
                problems.add(reader.here(), "a second YAML document starts here; a config file holds one",
                        "remove the second '---' and everything after it, or merge the two documents");
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            reportSyntaxError(e, problems);
            return Optional.empty();
        } catch (IOException e) {
            // Reading from a String does no I/O; this would be a Jackson bug, not a user error.
            throw new IllegalStateException("reading YAML from memory failed", e);
        }
    }

    private YamlNode value(JsonToken token) throws IOException {
        Place place = here();
        if (parser.isCurrentAlias()) {
            problems.add(place, "YAML aliases (*" + parser.getText() + ") are not supported in a haven config",
                    "write the value out in full; each place in the file should say what it means");
        }
        return switch (token) {
            case START_OBJECT -> mapping(place);
            case START_ARRAY -> sequence(place);
            case VALUE_STRING -> new YamlNode.Scalar(parser.getText(), YamlNode.Kind.STRING, place);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                    new YamlNode.Scalar(parser.getText(), YamlNode.Kind.NUMBER, place);
            case VALUE_TRUE -> new YamlNode.Scalar(parser.getText(), YamlNode.Kind.TRUE, place);
            case VALUE_FALSE -> new YamlNode.Scalar(parser.getText(), YamlNode.Kind.FALSE, place);
            case VALUE_NULL -> new YamlNode.Scalar(parser.getText(), YamlNode.Kind.NULL, place);
            default -> throw new IllegalStateException("unexpected YAML token " + token + " at " + place);
        };
    }

    private YamlNode.Mapping mapping(Place place) throws IOException {
        List<YamlNode.Entry> entries = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String key = parser.currentName();
            Place keyPlace = here();
            YamlNode value = value(parser.nextToken());
            entries.add(new YamlNode.Entry(key, keyPlace, value));
        }
        return new YamlNode.Mapping(entries, place);
    }

    private YamlNode.Sequence sequence(Place place) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            items.add(value(t));
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
