package haven.membership.jgroups;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns the cluster's shared key into the AES key JGroups encrypts with. SYM_ENCRYPT reads keys only from
 * a keystore, so a fresh PKCS12 file (owner-only, random password) is written at every start. The AES key
 * is derived with HMAC-SHA256 so that the configured secret itself is never the cipher key.
 */
final class ClusterKeystore {
    private ClusterKeystore() {}

    record Written(Path path, String password) {}

    static Written write(byte[] clusterKey, Path dir) throws IOException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(clusterKey, "HmacSHA256"));
            byte[] aes = mac.doFinal("haven/jgroups/sym-encrypt/v1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] pw = new byte[18];
            new SecureRandom().nextBytes(pw);
            String password = HexFormat.of().formatHex(pw);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setEntry("cluster", new KeyStore.SecretKeyEntry(new SecretKeySpec(aes, "AES")),
                    new KeyStore.PasswordProtection(password.toCharArray()));
            Files.createDirectories(dir);
            Path path = dir.resolve("cluster-key.p12");
            Files.deleteIfExists(path);
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(path)) {
                ks.store(out, password.toCharArray());
            }
            return new Written(path, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot derive the cluster encryption key: " + e.getMessage(), e);
        }
    }
}
