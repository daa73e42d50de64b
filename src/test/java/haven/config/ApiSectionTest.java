package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSectionTest {
    private static final String READ = "r3adonly-token-0123456789";
    private static final String ADMIN = "adm1n-token-0123456789abc";
    @TempDir Path dir;
    private TestCerts.Pair pair;
    private Path tokens;

    @BeforeEach
    void files() throws Exception {
        pair = TestCerts.make(dir, "api", "10.0.0.1");
        tokens = tokens("# who may use the API\n\nread " + READ + " grafana\nadmin " + ADMIN + "\n");
    }

    private Path tokens(String content) throws Exception {
        Path f = Files.createTempFile(dir, "tokens", "");
        Files.writeString(f, content);
        return f;
    }

    /** Lines 7-12: an api section; {@code listen} and the rest as given. */
    private String api(String listen, Path tokensFile, Path cert, Path key) {
        return HEAD + "api:\n  listen: " + listen + "\n  port: 7443\n  tokens_file: " + tokensFile + "\n  tls_cert: " + cert
                + "\n  tls_key: " + key + "\n";
    }

    @Test
    void withoutTheSectionOnlyTheLocalApiListens() throws Exception {
        assertThat(valid(HEAD).api()).isEqualTo(ApiAccess.LOOPBACK);
    }

    @Test
    void aLocalGroupAloneNamesWhoMayWriteToTheLocalApiAndExposesNothing() throws Exception {
        ApiAccess a = valid(HEAD + "api:\n  local_group: haven-admin\n").api();
        assertThat(a.localGroup()).contains("haven-admin");
        assertThat(a.exposed()).isEmpty();
        assertThat(valid(api("0.0.0.0", tokens, pair.cert(), pair.key()) + "  local_group: wheel\n").api().localGroup())
                .contains("wheel");
        assertThat(valid(api("0.0.0.0", tokens, pair.cert(), pair.key())).api().localGroup()).isEmpty();
    }

    @Test
    void aLocalGroupThatIsNoGroupNameIsRefused() {
        onlyProblem(HEAD + "api:\n  local_group: \"Bad Group\"\n", 8, 16, "api.local_group 'Bad Group' is not a Unix group name");
    }

    @Test
    void anExposedApiHasItsTokensWithRolesAndLabelsAndItsCertificate() throws Exception {
        ApiAccess.Exposed x = valid(api("0.0.0.0", tokens, pair.cert(), pair.key())).api().exposed().orElseThrow();
        assertThat(x.listen()).isEqualTo("0.0.0.0");
        assertThat(x.port()).isEqualTo(7443);
        assertThat(x.tokens()).containsExactly(new ApiAccess.Token(ApiAccess.Role.READ, READ, "grafana"),
                new ApiAccess.Token(ApiAccess.Role.ADMIN, ADMIN, "line 4"));
        assertThat(x.tokens().get(0).toString()).isEqualTo("grafana (read)").doesNotContain(READ);
        assertThat(x.tls().chain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=haven-test");
    }

    @Test
    void tokensAndTlsAreRequired() {
        List<ConfigProblem> problems = Check.problems(HEAD + "api:\n  listen: 0.0.0.0\n");
        assertThat(problems).extracting(ConfigProblem::message).containsExactly(
                "api.tokens_file is missing: the API for other machines needs it",
                "api.tls_cert is missing: the API for other machines needs it",
                "api.tls_key is missing: the API for other machines needs it");
    }

    @Test
    void loopbackOrABadAddressIsRefused() {
        onlyProblem(api("127.0.0.1", tokens, pair.cert(), pair.key()), 8, 11, "api.listen '127.0.0.1' is a loopback address");
        onlyProblem(api("10.0.0.300", tokens, pair.cert(), pair.key()), 8, 11, "api.listen '10.0.0.300' has a number above 255");
    }

    @Test
    void thePortOfTheLocalApiIsRefusedOnAllAddresses() {
        onlyProblem(api("0.0.0.0", tokens, pair.cert(), pair.key()).replace("port: 7443", "port: 7480"), 9, 9,
                "api.port 7480 is cluster.api_port");
    }

    @Test
    void badTokenLinesAreNamedByFileAndLine() throws Exception {
        Path f = tokens("read " + READ + "\nroot " + ADMIN + "\nadmin short\nadmin " + READ + "\nadmin\n");
        List<ConfigProblem> problems = Check.problems(api("0.0.0.0", f, pair.cert(), pair.key()));
        assertThat(problems).extracting(ConfigProblem::message).containsExactly(
                "api.tokens_file '" + f + "' line 2: 'root' is not a role",
                "api.tokens_file '" + f + "' line 3: the token is too short (5 characters, at least 16)",
                "api.tokens_file '" + f + "' line 4: the same token is on an earlier line",
                "api.tokens_file '" + f + "' line 5: 'admin' has no token");
        assertThat(problems).allSatisfy(p -> assertThat(p.line()).isEqualTo(10));
    }

    @Test
    void aMissingOrEmptyTokensFileIsRefused() throws Exception {
        onlyProblem(api("0.0.0.0", dir.resolve("nope"), pair.cert(), pair.key()), 10, 16, "does not exist");
        onlyProblem(api("0.0.0.0", tokens("# nothing yet\n"), pair.cert(), pair.key()), 10, 16, "holds no token");
    }

    @Test
    void devicesAreRefusedUnreadWhereATokensFileOrAPemFileBelongs() throws Exception {
        Path zero = Path.of("/dev/zero");
        onlyProblem(api("0.0.0.0", zero, pair.cert(), pair.key()), 10, 16, "is not a regular file of at most");
        onlyProblem(api("0.0.0.0", tokens, zero, pair.key()), 11, 13, "is not a regular file");
        onlyProblem(api("0.0.0.0", tokens, pair.cert(), zero), 12, 12, "is not a regular file");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        TestCerts.Pair other = TestCerts.make(dir, "other", "10.0.0.2");
        onlyProblem(api("0.0.0.0", tokens, pair.cert(), other.key()), 12, 12,
                "api.tls_key is not the key of the first certificate in api.tls_cert");
    }

    @Test
    void anEncryptedOrOldStyleKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path encrypted = tokens("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
        onlyProblem(api("0.0.0.0", tokens, pair.cert(), encrypted), 12, 12, "is an encrypted key", "openssl pkcs8 -topk8 -nocrypt");
        Path pkcs1 = tokens("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        onlyProblem(api("0.0.0.0", tokens, pair.cert(), pkcs1), 12, 12, "is not a PKCS#8 private key", "openssl pkcs8 -topk8");
        onlyProblem(api("0.0.0.0", tokens, pair.key(), pair.key()), 11, 13, "is not a PEM certificate chain");
    }
}
