package haven.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads a PEM certificate chain and an unencrypted PKCS#8 private key (what `openssl req -nodes` and
 * certbot write), and checks that the key belongs to the first certificate. Failures are
 * {@link IllegalArgumentException}s whose message says what is wrong and how to convert the file.
 */
final class PemFiles {
    private static final String PKCS8 = "-----BEGIN PRIVATE KEY-----";
    /** A long chain of large certificates is a few tens of KiB; a device or a huge file is the wrong path. */
    static final int MAX_PEM_BYTES = 1024 * 1024;

    private PemFiles() {}

    static List<X509Certificate> certificates(Path file) throws IOException {
        try (InputStream in = new java.io.ByteArrayInputStream(readSmall(file))) {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) throw new IllegalArgumentException("holds no certificate");
            return chain;
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("is not a PEM certificate chain (" + e.getMessage() + ")");
        }
    }

    static PrivateKey privateKey(Path file) throws IOException {
        String text = new String(readSmall(file), StandardCharsets.US_ASCII);
        if (text.contains("ENCRYPTED")) {
            throw new IllegalArgumentException("is an encrypted key; the daemon starts unattended, so it needs it"
                    + " unencrypted: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file + ".new (then chmod 600)");
        }
        int begin = text.indexOf(PKCS8);
        if (begin < 0) {
            throw new IllegalArgumentException("is not a PKCS#8 private key ('" + PKCS8 + "'); convert it with:"
                    + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file + ".new");
        }
        int end = text.indexOf("-----END PRIVATE KEY-----", begin);
        if (end < 0) throw new IllegalArgumentException("has no '-----END PRIVATE KEY-----' line: the file is cut short");
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + PKCS8.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a damaged key: " + e.getMessage());
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next kind
            }
        }
        throw new IllegalArgumentException("holds a key that is not RSA, EC or Ed25519, or is damaged");
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            PublicKey pub = cert.getPublicKey();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The file's bytes, refused unread when it is not a regular file or larger than {@link #MAX_PEM_BYTES}. */
    private static byte[] readSmall(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IllegalArgumentException("is not a regular file (a device, pipe or socket); give the PEM file's path");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_PEM_BYTES + 1);
        }
        if (bytes.length > MAX_PEM_BYTES) {
            throw new IllegalArgumentException("is larger than " + MAX_PEM_BYTES + " bytes, more than any PEM file; check the path");
        }
        return bytes;
    }
}
