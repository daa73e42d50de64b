package haven.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The optional {@code api:} section: {@code listen} (an IPv4 address, default 127.0.0.1; 0.0.0.0 for
 * every address) and {@code tokens_file}, whose lines are {@code ROLE TOKEN [LABEL]} with ROLE {@code read}
 * or {@code admin}; blank lines and lines starting with # are skipped. An API listening beyond loopback
 * must have a tokens file: an open control API on the network would let anyone move the cluster's services.
 */
final class ApiSection {
    static final List<String> KEYS = List.of("listen", "tokens_file");
    static final int MIN_TOKEN_CHARS = 16;
    static final String MAKE_TOKEN = "make one with: head -c 24 /dev/urandom | base64";

    private ApiSection() {}

    static Optional<ApiAccess> read(Fields top, Path baseDir, Problems problems) {
        Optional<Fields> section = top.mapping("api", KEYS);
        if (section.isEmpty()) return Optional.of(ApiAccess.LOOPBACK);
        Fields f = section.get();
        String listen = f.text("listen").orElse(ApiAccess.LOOPBACK.listen());
        Optional<String> bad = listen.equals("0.0.0.0") ? Optional.empty() : Ipv4.hostAddressError(listen);
        if (bad.isPresent()) {
            problems.add(f.valuePlace("listen"), f.key("listen") + " '" + listen + "' " + bad.get(),
                    Ipv4.ADDRESS_SYNTAX + "; 127.0.0.1 (the default) keeps the API on this machine, 0.0.0.0 opens it on every address");
            return Optional.empty();
        }
        Optional<List<ApiAccess.Token>> tokens = f.has("tokens_file")
                ? f.text("tokens_file").flatMap(p -> tokens(p, f, baseDir, problems))
                : Optional.of(List.of());
        if (tokens.isEmpty()) return Optional.empty();
        ApiAccess access = new ApiAccess(listen, tokens.get());
        if (!access.loopbackOnly() && !f.has("tokens_file")) {
            problems.add(f.valuePlace("listen"), f.key("listen") + " " + listen
                    + " opens the API beyond this machine, but there is no " + f.key("tokens_file"),
                    "add tokens_file: a file with lines 'read TOKEN' and 'admin TOKEN' (" + MAKE_TOKEN
                            + "), or listen on 127.0.0.1");
            return Optional.empty();
        }
        return Optional.of(access);
    }

    private static Optional<List<ApiAccess.Token>> tokens(String path, Fields f, Path baseDir, Problems problems) {
        Path file = baseDir.resolve(path);
        Place at = f.valuePlace("tokens_file");
        String name = f.key("tokens_file") + " '" + file + "'";
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            problems.add(at, name + " does not exist", "create it with lines 'read TOKEN' and 'admin TOKEN' (" + MAKE_TOKEN
                    + "), chmod 600, on every node");
            return Optional.empty();
        } catch (IOException e) {
            problems.add(at, name + " cannot be read: " + e.getMessage(), "check that it is a readable regular text file");
            return Optional.empty();
        }
        List<ApiAccess.Token> tokens = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean ok = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String where = name + " line " + (i + 1);
            String[] parts = line.split("\\s+", 3);
            ApiAccess.Role role = switch (parts[0]) {
                case "read" -> ApiAccess.Role.READ;
                case "admin" -> ApiAccess.Role.ADMIN;
                default -> null;
            };
            if (role == null || parts.length < 2) {
                problems.add(at, where + ": '" + parts[0] + "' " + (role == null ? "is not a role" : "has no token"),
                        "write each line as 'read TOKEN [LABEL]' or 'admin TOKEN [LABEL]'");
                ok = false;
            } else if (parts[1].length() < MIN_TOKEN_CHARS) {
                problems.add(at, where + ": the token is too short (" + parts[1].length() + " characters, at least "
                        + MIN_TOKEN_CHARS + ")", "a short token can be guessed; " + MAKE_TOKEN);
                ok = false;
            } else if (!seen.add(parts[1])) {
                problems.add(at, where + ": the same token is on an earlier line", "give every client its own token");
                ok = false;
            } else {
                tokens.add(new ApiAccess.Token(role, parts[1], parts.length > 2 ? parts[2] : "line " + (i + 1)));
            }
        }
        if (ok && tokens.isEmpty()) {
            problems.add(at, name + " holds no token", "add lines 'read TOKEN' and 'admin TOKEN' (" + MAKE_TOKEN + ")");
            return Optional.empty();
        }
        return ok ? Optional.of(tokens) : Optional.empty();
    }
}
