package haven.executor.agents.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** WAL positions as PostgreSQL prints them, the score made of them, and the replication role's stored password. */
class PgLsnTest {
    @Test
    void positionsParseAsPostgresqlPrintsThemAndOrderTheScores() {
        assertThat(PgLsn.parse("0/1500790")).isEqualTo(0x1500790L);
        assertThat(PgLsn.parse("1A/FF")).isEqualTo((0x1AL << 32) | 0xFF);
        assertThat(PgLsn.answer("0/502AC68|true|false|7410")).contains(new PgLsn.Answer(0x502AC68L, true, false, "7410"));
        assertThat(PgLsn.answer("0/502AC68|f|f|7410")).contains(new PgLsn.Answer(0x502AC68L, false, false, "7410"));
        assertThat(PgLsn.answer("0/502AC68|t|t|7410")).contains(new PgLsn.Answer(0x502AC68L, true, true, "7410"));
        assertThat(PgLsn.answer("0/502AC68|t|t")).as("a row of an older query").isEmpty();
        assertThat(PgLsn.answer("ERROR")).isEmpty();
        assertThat(PgLsn.score(0)).as("0 is kept for copies that must rank last").isEqualTo(1);
        assertThat(PgLsn.score(PgLsn.parse("0/502AC68"))).isGreaterThan(PgLsn.score(PgLsn.parse("0/502AC30")));
        assertThatThrownBy(() -> PgLsn.parse("1500790")).hasMessageContaining("not an LSN");
    }

    /** RFC 7677's example exchange: the server signature made with the stored server key is the one the RFC shows. */
    @Test
    void theStoredVerifierIsTheOneScramSha256Derives() throws Exception {
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        String verifier = PgScram.verifier("pencil", salt);
        assertThat(verifier).startsWith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$");
        byte[] serverKey = Base64.getDecoder().decode(verifier.substring(verifier.lastIndexOf(':') + 1));
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
                + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(serverKey, "HmacSHA256"));
        assertThat(Base64.getEncoder().encodeToString(mac.doFinal(authMessage.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }
}
