package haven.cib;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The cluster config as committed through the cluster log: its YAML text, a version that grows by one with
 * each change, and the text's SHA-256 (so nodes compare their file with it cheaply). Version 0 is
 * {@link #NONE}: no change was ever committed, and each node runs the file it was started with.
 */
public record ConfigRevision(long version, String text, String sha256) {
    public static final ConfigRevision NONE = new ConfigRevision(0, "", "");

    public ConfigRevision {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sha256, "sha256");
    }

    public static ConfigRevision of(long version, String text) {
        return new ConfigRevision(version, text, sha256(text));
    }

    public boolean committed() {
        return version > 0;
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
