package haven.api;

import haven.config.ApiAccess;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The exposed API's TLS context from the certificate and key the config has already read and checked. */
final class Tls {
    private Tls() {}

    static SSLContext context(ApiAccess.Tls tls) {
        try {
            char[] transientPassword = "haven".toCharArray(); // the store lives in memory only
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("api", tls.key(), transientPassword, tls.chain().toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, transientPassword);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the API's TLS context from a checked certificate and key: " + e, e);
        }
    }
}
