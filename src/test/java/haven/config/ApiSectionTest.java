package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSectionTest {
    private static final String READ = "r3adonly-token-0123456789";
    private static final String ADMIN = "adm1n-token-0123456789abc";
    @TempDir Path dir;

    private Path tokens(String content) throws Exception {
        Path f = dir.resolve("tokens");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void withoutTheSectionTheApiStaysOnLoopbackWithoutTokens() throws Exception {
        assertThat(valid(HEAD).api()).isEqualTo(ApiAccess.LOOPBACK);
    }

    @Test
    void anExposedApiReadsItsTokensWithRolesAndLabels() throws Exception {
        Path f = tokens("# who may use the API\n\nread " + READ + " grafana\nadmin " + ADMIN + "\n");
        ApiAccess a = valid(HEAD + "api:\n  listen: 0.0.0.0\n  tokens_file: " + f + "\n").api();
        assertThat(a.listen()).isEqualTo("0.0.0.0");
        assertThat(a.loopbackOnly()).isFalse();
        assertThat(a.tokens()).containsExactly(new ApiAccess.Token(ApiAccess.Role.READ, READ, "grafana"),
                new ApiAccess.Token(ApiAccess.Role.ADMIN, ADMIN, "line 4"));
        assertThat(a.tokens().get(0).toString()).isEqualTo("grafana (read)").doesNotContain(READ);
    }

    @Test
    void listeningBeyondLoopbackWithoutTokensIsRefused() {
        onlyProblem(HEAD + "api:\n  listen: 0.0.0.0\n", 8, 11, "api.listen 0.0.0.0 opens the API beyond this machine",
                "no api.tokens_file");
    }

    @Test
    void aBadAddressIsRefused() {
        onlyProblem(HEAD + "api:\n  listen: 10.0.0.300\n", 8, 11, "api.listen '10.0.0.300' has a number above 255");
    }

    @Test
    void badTokenLinesAreNamedByFileAndLine() throws Exception {
        Path f = tokens("read " + READ + "\nroot " + ADMIN + "\nadmin short\nadmin " + READ + "\nadmin\n");
        List<ConfigProblem> problems = Check.problems(HEAD + "api:\n  listen: 0.0.0.0\n  tokens_file: " + f + "\n");
        assertThat(problems).extracting(ConfigProblem::message).containsExactly(
                "api.tokens_file '" + f + "' line 2: 'root' is not a role",
                "api.tokens_file '" + f + "' line 3: the token is too short (5 characters, at least 16)",
                "api.tokens_file '" + f + "' line 4: the same token is on an earlier line",
                "api.tokens_file '" + f + "' line 5: 'admin' has no token");
        assertThat(problems).allSatisfy(p -> assertThat(p.line()).isEqualTo(9));
    }

    @Test
    void aMissingOrEmptyTokensFileIsRefused() throws Exception {
        onlyProblem(HEAD + "api:\n  tokens_file: " + dir.resolve("nope") + "\n", 8, 16, "does not exist");
        Path empty = tokens("# nothing yet\n");
        onlyProblem(HEAD + "api:\n  tokens_file: " + empty + "\n", 8, 16, "holds no token");
    }
}
