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
 * The optional {@code api:} section, which exposes the API to other machines beside the local one on
 * 127.0.0.1 (always there, no token). The exposed API is always HTTPS with tokens, because a control API
 * open on the network without them would let anyone move the cluster's services:
 * <pre>
 * api:
 *   listen: 0.0.0.0            # an IPv4 address of this machine, or 0.0.0.0 for all
 *   port: 7443                 # default 7443; not cluster.api_port when listening on 0.0.0.0
 *   tokens_file: api-tokens    # lines 'read TOKEN [LABEL]' / 'admin TOKEN [LABEL]'; # comments
 *   tls_cert: api.crt          # PEM certificate chain, this API's own certificate first
 *   tls_key: api.key           # its PEM private key, PKCS#8, unencrypted
 *   local_group: haven         # optional: members may write to the local API as root may (alone, or with the above)
 * </pre>
 * Relative paths are resolved against the config file's directory.
 */
final class ApiSection {
    static final List<String> KEYS = List.of("listen", "port", "tokens_file", "tls_cert", "tls_key", "local_group");
    /** The keys of the exposed API: none of them written means there is none, only the local API. */
    private static final List<String> EXPOSED_KEYS = List.of("listen", "port", "tokens_file", "tls_cert", "tls_key");
    private static final java.util.regex.Pattern GROUP_NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    static final int DEFAULT_PORT = 7443;
    static final int MIN_TOKEN_CHARS = 16;
    static final String MAKE_TOKEN = "make one with: head -c 24 /dev/urandom | base64";
    static final String MAKE_CERT = "e.g. openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825"
            + " -subj /CN=haven -addext subjectAltName=IP:10.0.0.1 -keyout api.key -out api.crt";

    private ApiSection() {}

    static Optional<ApiAccess> read(Fields top, int localPort, Path baseDir, Problems problems) {
        Optional<Fields> section = top.mapping("api", KEYS);
        if (section.isEmpty()) return Optional.of(ApiAccess.LOOPBACK);
        Fields f = section.get();
        Optional<String> localGroup = localGroup(f, problems);
        if (EXPOSED_KEYS.stream().noneMatch(f::has)) {
            return localGroup.map(g -> new ApiAccess(Optional.empty(), Optional.of(g)))
                    .or(() -> f.has("local_group") ? Optional.empty() : Optional.of(ApiAccess.LOOPBACK));
        }
        Optional<String> listen = f.requiredText("listen", "name the address other machines reach this API on,"
                + " or 0.0.0.0 for all of this machine's addresses");
        if (listen.isPresent()) {
            Optional<String> bad = listen.get().equals("0.0.0.0") ? Optional.empty() : Ipv4.hostAddressError(listen.get());
            if (bad.isEmpty() && listen.get().startsWith("127.")) bad = Optional.of("is a loopback address");
            if (bad.isPresent()) {
                problems.add(f.valuePlace("listen"), f.key("listen") + " '" + listen.get() + "' " + bad.get(),
                        Ipv4.ADDRESS_SYNTAX + "; the local API on 127.0.0.1 is always there, this one is for other machines"
                                + " (0.0.0.0: every address)");
                listen = Optional.empty();
            }
        }
        int port = f.integer("port", 1, 65535, DEFAULT_PORT, "a TCP port number 1..65535").orElse(-1);
        if (port == localPort && listen.filter("0.0.0.0"::equals).isPresent()) {
            problems.add(f.valuePlace("port"), f.key("port") + " " + port + " is cluster.api_port, which the local API"
                    + " already holds on 127.0.0.1", "choose another port for the exposed API, e.g. " + DEFAULT_PORT);
            port = -1;
        }
        Optional<List<ApiAccess.Token>> tokens = f.has("tokens_file")
                ? f.text("tokens_file").flatMap(p -> tokens(p, f, baseDir, problems))
                : missing(f, "tokens_file", "a file with lines 'read TOKEN' and 'admin TOKEN' (" + MAKE_TOKEN + ")", problems);
        Optional<ApiAccess.Tls> tls = tls(f, baseDir, problems);
        if (listen.isEmpty() || port < 0 || tokens.isEmpty() || tls.isEmpty()) return Optional.empty();
        if (f.has("local_group") && localGroup.isEmpty()) return Optional.empty();
        return Optional.of(new ApiAccess(Optional.of(new ApiAccess.Exposed(listen.get(), port, tokens.get(), tls.get())), localGroup));
    }

    /** The group whose members may use the local API as root may; its existence is the machine's business. */
    private static Optional<String> localGroup(Fields f, Problems problems) {
        if (!f.has("local_group")) return Optional.empty();
        Optional<String> g = f.text("local_group");
        if (g.isPresent() && !GROUP_NAME.matcher(g.get()).matches()) {
            problems.add(f.valuePlace("local_group"), f.key("local_group") + " '" + g.get() + "' is not a Unix group name",
                    "name a group of the nodes, e.g. haven (groupadd haven; usermod -aG haven USER): lowercase letters,"
                            + " digits, _ . -, starting with a letter or _");
            return Optional.empty();
        }
        return g;
    }

    private static <T> Optional<T> missing(Fields f, String key, String what, Problems problems) {
        problems.add(f.anchor(), f.key(key) + " is missing: the API for other machines needs it", "add " + key + ": " + what);
        return Optional.empty();
    }

    private static Optional<ApiAccess.Tls> tls(Fields f, Path baseDir, Problems problems) {
        Optional<String> certPath = f.has("tls_cert") ? f.text("tls_cert")
                : missing(f, "tls_cert", "the PEM certificate of this API (" + MAKE_CERT + ")", problems);
        Optional<String> keyPath = f.has("tls_key") ? f.text("tls_key")
                : missing(f, "tls_key", "the PEM private key of that certificate", problems);
        Optional<List<java.security.cert.X509Certificate>> chain = certPath.flatMap(p -> pem(f, "tls_cert", baseDir.resolve(p),
                problems, PemFiles::certificates));
        Optional<java.security.PrivateKey> key = keyPath.flatMap(p -> pem(f, "tls_key", baseDir.resolve(p), problems,
                PemFiles::privateKey));
        if (chain.isEmpty() || key.isEmpty()) return Optional.empty();
        if (!PemFiles.matches(key.get(), chain.get().get(0))) {
            problems.add(f.valuePlace("tls_key"), f.key("tls_key") + " is not the key of the first certificate in "
                    + f.key("tls_cert"), "use the key file written together with that certificate");
            return Optional.empty();
        }
        return Optional.of(new ApiAccess.Tls(chain.get(), key.get()));
    }

    private interface Reader<T> {
        T read(Path file) throws java.io.IOException;
    }

    private static <T> Optional<T> pem(Fields f, String key, Path file, Problems problems, Reader<T> reader) {
        String name = f.key(key) + " '" + file + "'";
        try {
            return Optional.of(reader.read(file));
        } catch (NoSuchFileException e) {
            problems.add(f.valuePlace(key), name + " does not exist", key.equals("tls_cert") ? MAKE_CERT
                    : "point it at the private key of " + f.key("tls_cert") + " (readable by root only)");
        } catch (java.io.IOException e) {
            problems.add(f.valuePlace(key), name + " cannot be read: " + e.getMessage(), "check that it is a readable regular file");
        } catch (IllegalArgumentException e) {
            problems.add(f.valuePlace(key), name + " " + e.getMessage(), key.equals("tls_cert") ? MAKE_CERT
                    : "a PEM 'BEGIN PRIVATE KEY' file, as openssl req -nodes writes it");
        }
        return Optional.empty();
    }

    private static Optional<List<ApiAccess.Token>> tokens(String path, Fields f, Path baseDir, Problems problems) {
        Path file = baseDir.resolve(path);
        Place at = f.valuePlace("tokens_file");
        String name = f.key("tokens_file") + " '" + file + "'";
        List<String> lines;
        try {
            // A device or a huge file would be read until memory runs out: refuse it unread.
            if (Files.exists(file) && (!Files.isRegularFile(file) || Files.size(file) > PemFiles.MAX_PEM_BYTES)) {
                problems.add(at, name + " is not a regular file of at most " + PemFiles.MAX_PEM_BYTES + " bytes",
                        "point it at the tokens file itself (lines 'read TOKEN' and 'admin TOKEN')");
                return Optional.empty();
            }
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
