package haven.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a file of JVM options as the launcher `haven` does (its read_options): words separated by blanks,
 * any number a line, '#' to the end of the line a comment. One reading for both, so the lab's daemons get
 * what a user's get.
 */
final class JvmOptionsFile {
    private JvmOptionsFile() {}

    static List<String> read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new LabException("cannot read the JVM options in " + file + ": " + e.getMessage());
        }
    }

    static List<String> parse(String text) {
        List<String> words = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            int hash = line.indexOf('#');
            String kept = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (!kept.isEmpty()) words.addAll(List.of(kept.split("\\s+")));
        }
        return List.copyOf(words);
    }
}
