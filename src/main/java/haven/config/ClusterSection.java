package haven.config;

import haven.core.Names;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code cluster:} section: the cluster's name, its shared key, its ports and how many nodes vote in its log. */
final class ClusterSection {
    static final int DEFAULT_PORT = 7800;
    static final int DEFAULT_API_PORT = 7480;
    static final int MIN_KEY_BYTES = 16;
    /** A key is a line of text; anything larger is the wrong file, and is refused before it is read whole. */
    static final int MAX_KEY_FILE_BYTES = 4096;
    static final List<String> KEYS = List.of("name", "key", "key_file", "port", "api_port", "voters");
    static final String MAKE_KEY = "make one with: head -c 32 /dev/urandom | base64";

    /** What the section says; any part that was missing or bad is empty (and already reported). */
    record Settings(Optional<String> name, Optional<byte[]> key, int port, int apiPort, Voters voters) {}

    private ClusterSection() {}

    static Settings read(Fields top, Path baseDir, Problems problems) {
        Optional<Fields> section = top.mapping("cluster", KEYS);
        if (section.isEmpty()) {
            if (!top.has("cluster")) {
                problems.add(top.keyPlace("cluster"), "the 'cluster' section is missing",
                        "add 'cluster:' with at least 'name:' and 'key:' (" + MAKE_KEY + ")");
            }
            return new Settings(Optional.empty(), Optional.empty(), DEFAULT_PORT, DEFAULT_API_PORT, Voters.DEFAULT);
        }
        Fields f = section.get();
        Optional<String> name = f.requiredText("name", "name the cluster, e.g. name: lab");
        if (name.isPresent() && !Names.isValid(name.get())) {
            problems.add(f.valuePlace("name"), f.key("name") + " '" + name.get() + "' is not a valid cluster name",
                    Fields.NAME_RULE);
            name = Optional.empty();
        }
        Optional<byte[]> key = key(f, baseDir, problems);
        String portHint = "a TCP port number 1..65535";
        int port = f.integer("port", 1, 65535, DEFAULT_PORT, portHint).orElse(DEFAULT_PORT);
        int apiPort = f.integer("api_port", 1, 65535, DEFAULT_API_PORT, portHint).orElse(DEFAULT_API_PORT);
        if (port == apiPort && f.has("port") && f.has("api_port")) {
            problems.add(f.valuePlace("api_port"), f.key("api_port") + " " + apiPort + " is the same as "
                    + f.key("port"), "the cluster transport and the HTTP API each need their own port");
        }
        return new Settings(name, key, port, apiPort, voters(f, problems));
    }

    private static Voters voters(Fields f, Problems problems) {
        if (!f.has("voters")) return Voters.DEFAULT;
        String hint = "write voters: 3, 5 (the default), 7 or 9, or voters: all; the other nodes follow the log"
                + " without voting, so a large cluster commits and elects as fast as a small one";
        Optional<String> text = f.text("voters");
        if (text.isEmpty()) return Voters.DEFAULT;
        String t = text.get().trim();
        if (t.equals("all")) return Voters.EVERY_NODE;
        if (t.matches("\\d{1,3}")) {
            int n = Integer.parseInt(t);
            if (n >= Voters.MIN_COUNT && n <= Voters.MAX_COUNT && n % 2 == 1) return new Voters(n);
            problems.add(f.valuePlace("voters"), f.key("voters") + " " + n + " is not an odd number "
                    + Voters.MIN_COUNT + ".." + Voters.MAX_COUNT, hint);
        } else {
            problems.add(f.valuePlace("voters"), f.key("voters") + " '" + t + "' is neither a number nor 'all'", hint);
        }
        return Voters.DEFAULT;
    }

    private static Optional<byte[]> key(Fields f, Path baseDir, Problems problems) {
        boolean inline = f.has("key");
        boolean file = f.has("key_file");
        if (inline && file) {
            problems.add(f.keyPlace("key_file"), f.key("key") + " and " + f.key("key_file") + " are both set",
                    "keep one: the key itself, or the path of a file that holds it");
            return Optional.empty();
        }
        if (!inline && !file) {
            problems.add(f.anchor(), f.key("key") + " is missing: nodes authenticate each other with a shared key",
                    "add key: \"...\" (at least " + MIN_KEY_BYTES + " characters) or key_file: /etc/haven/key; "
                            + MAKE_KEY);
            return Optional.empty();
        }
        if (inline) {
            return f.text("key").flatMap(text -> checkLength(text.getBytes(StandardCharsets.UTF_8),
                    f.valuePlace("key"), f.key("key"), problems));
        }
        return f.text("key_file").flatMap(path -> readKeyFile(path, f, baseDir, problems));
    }

    private static Optional<byte[]> readKeyFile(String path, Fields f, Path baseDir, Problems problems) {
        Path resolved = baseDir.resolve(path);
        Place at = f.valuePlace("key_file");
        String name = f.key("key_file");
        String make = "head -c 32 /dev/urandom | base64 > KEY && chmod 600 KEY (copy the same file to every node)";
        try {
            if (Files.isDirectory(resolved)) {
                problems.add(at, name + " '" + resolved + "' is a directory", "point it at the key file itself");
                return Optional.empty();
            }
            // A device or a pipe (/dev/zero, /dev/stdin) would be read until memory runs out, or forever.
            if (Files.exists(resolved) && !Files.isRegularFile(resolved)) {
                problems.add(at, name + " '" + resolved + "' is not a regular file (a device, pipe or socket)",
                        "point it at a file that holds the key; " + make);
                return Optional.empty();
            }
            byte[] content;
            try (InputStream in = Files.newInputStream(resolved)) {
                content = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
            }
            if (content.length > MAX_KEY_FILE_BYTES) {
                problems.add(at, name + " '" + resolved + "' is " + Files.size(resolved) + " bytes, more than a key file's "
                        + MAX_KEY_FILE_BYTES, "check the path: a key is a line of " + MIN_KEY_BYTES + " to a few hundred "
                                + "bytes; " + make);
                return Optional.empty();
            }
            return checkLength(trim(content), at, name + " '" + resolved + "'", problems);
        } catch (NoSuchFileException e) {
            problems.add(at, name + " '" + resolved + "' does not exist",
                    "create it: head -c 32 /dev/urandom | base64 > " + resolved + " && chmod 600 " + resolved
                            + " (copy the same file to every node)");
        } catch (AccessDeniedException e) {
            problems.add(at, name + " '" + resolved + "' cannot be read: permission denied",
                    "run haven as a user that may read it (the daemon runs as root)");
        } catch (IOException e) {
            problems.add(at, name + " '" + resolved + "' cannot be read: " + e.getMessage(),
                    "check that the file is a readable regular file");
        }
        return Optional.empty();
    }

    private static Optional<byte[]> checkLength(byte[] key, Place at, String what, Problems problems) {
        if (key.length < MIN_KEY_BYTES) {
            problems.add(at, what + " is too short: " + key.length + " bytes, at least " + MIN_KEY_BYTES + " needed",
                    "a short key can be guessed; " + MAKE_KEY);
            return Optional.empty();
        }
        return Optional.of(key);
    }

    /** Drops leading and trailing ASCII whitespace: editors and `echo` add a final newline. */
    private static byte[] trim(byte[] content) {
        int from = 0;
        int to = content.length;
        while (from < to && isSpace(content[from])) {
            from++;
        }
        while (to > from && isSpace(content[to - 1])) {
            to--;
        }
        return Arrays.copyOfRange(content, from, to);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
