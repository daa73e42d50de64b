package haven.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.config.ApiAccess;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTest {
    private static final List<ApiAccess.Token> TOKENS = List.of(
            new ApiAccess.Token(ApiAccess.Role.READ, "read-token-0123456789", "grafana"),
            new ApiAccess.Token(ApiAccess.Role.ADMIN, "admin-token-0123456789", "ops"));

    private static ApiAccess.Role check(String method, String authorization) {
        return Access.check(TOKENS, method, authorization);
    }

    private static void refused(int code, String method, String authorization, String words) {
        assertThatThrownBy(() -> check(method, authorization)).isInstanceOf(ApiError.class)
                .hasMessageContaining(words).satisfies(e -> assertThat(((ApiError) e).code()).isEqualTo(code));
    }

    @Test
    void aReadOnlyTokenReadsButCannotChangeAnything() throws Exception {
        assertThat(check("GET", "Bearer read-token-0123456789")).isEqualTo(ApiAccess.Role.READ);
        refused(403, "POST", "Bearer read-token-0123456789", "the token grafana is read-only: it may GET any path, but not POST");
        refused(403, "PUT", "Bearer read-token-0123456789", "use an admin token");
    }

    @Test
    void anAdminTokenMayWrite() throws Exception {
        assertThat(check("POST", "Bearer admin-token-0123456789")).isEqualTo(ApiAccess.Role.ADMIN);
    }

    @Test
    void aMissingOrUnknownTokenFromAnotherMachineIsRefused() {
        refused(401, "GET", null, "send 'Authorization: Bearer TOKEN'");
        refused(401, "GET", "Basic YWRtaW46YWRtaW4=", "send 'Authorization: Bearer TOKEN'");
        refused(401, "GET", "Bearer admin-token-012345678", "the token is not in this node's api.tokens_file");
    }
}
