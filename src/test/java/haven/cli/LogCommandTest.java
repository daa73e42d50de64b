package haven.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What `haven log` asks the daemon, first and while following, and how it prints a record. */
class LogCommandTest {
    @Test
    void aFollowerAsksByPositionNotByTimeOnceItHasSeenARecord() {
        LogCommand c = new LogCommand();
        c.since = "10m";
        c.resource = "web";
        c.limit = 50;
        assertThat(c.query(null)).isEqualTo("?since=10m&resource=web&limit=50");
        assertThat(c.query("57.2")).isEqualTo("?resource=web&after=57.2");
        c.since = "2026-12-01T13:00:00Z";
        assertThat(c.query(null)).startsWith("?since=2026-12-01T13%3A00%3A00Z&");
    }

    @Test
    void aRecordPrintsAsTheServersTextLine() throws Exception {
        var r = new ObjectMapper().readTree("{\"version\":57,\"index\":2,\"time\":\"2026-12-01T14:03:12.345Z\",\"type\":\"placement\","
                + "\"text\":\"group web placed on n2\"}");
        assertThat(LogCommand.line(r)).isEqualTo("2026-12-01T14:03:12.345Z 57.2 placement group web placed on n2");
    }
}
