package haven.api;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.events.EventRecorder;
import haven.core.AgentResult;
import haven.core.Operation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("([a-z_]+)(\\{[a-z_]+=\"[^\"\\\\]*\"(,[a-z_]+=\"[^\"\\\\]*\")*\\})? (-?[0-9]+(\\.[0-9]+)?)");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-z_]+) (gauge|counter)");

    private final EventRecorder events = new EventRecorder(N1, () -> 0L, 16);

    private String render(boolean openMetrics) {
        ClusterState s = state(new Command.Assign(WEB, Optional.of(N2), "t"), new Command.Started(WEB, N2, 1),
                new Command.ResourceFailed(SITE, N3, 5, "exit 1"), new Command.SetStandby(N3, true));
        events.operationDone(SITE, Operation.START, AgentResult.ok(), 1500);
        events.operationDone(SITE, Operation.START, AgentResult.ok(), 250);
        return Metrics.render(status(s), events, openMetrics);
    }

    /** Every line is a HELP, a TYPE, or a sample of the family typed just before it; nothing else. */
    private static List<String> checkWellFormed(String text, boolean openMetrics) {
        List<String> samples = new ArrayList<>();
        Set<String> families = new LinkedHashSet<>();
        String family = null;
        String type = null;
        String[] lines = text.split("\n", -1);
        assertThat(lines[lines.length - 1]).as("ends with a newline").isEmpty();
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                family = t.group(1);
                type = t.group(2);
                assertThat(families.add(family)).as("family %s typed once", family).isTrue();
            } else if (line.startsWith("# HELP ")) {
                assertThat(line.split(" ")).hasSizeGreaterThan(3);
            } else if (line.equals("# EOF")) {
                assertThat(openMetrics).isTrue();
                assertThat(i).isEqualTo(lines.length - 2);
            } else {
                Matcher m = SAMPLE.matcher(line);
                assertThat(m.matches()).as("sample line: %s", line).isTrue();
                String expected = type.equals("counter") && openMetrics ? family + "_total" : family;
                assertThat(m.group(1)).as("sample of family %s", family).isEqualTo(expected);
                samples.add(line);
            }
        }
        if (openMetrics) assertThat(text).endsWith("# EOF\n");
        return samples;
    }

    @Test
    void prometheusTextIsWellFormedAndCountersEndInTotal() {
        String text = render(false);
        List<String> samples = checkWellFormed(text, false);
        assertThat(text).contains("# TYPE haven_failovers_total counter\n").doesNotContain("# EOF");
        assertThat(samples).contains(
                "haven_members 3",
                "haven_quorate 1",
                "haven_coordinator{node=\"n1\"} 1",
                "haven_coordinator{node=\"n2\"} 0",
                "haven_node_standby{node=\"n3\"} 1",
                "haven_group_placed{group=\"web\",node=\"n2\"} 1",
                "haven_resource_state{resource=\"site\",state=\"started\"} 1",
                "haven_resource_state{resource=\"site\",state=\"stopped\"} 0",
                "haven_resource_failures{resource=\"site\",node=\"n3\"} 1",
                "haven_operations_total{resource=\"site\",op=\"start\",result=\"ok\"} 2",
                "haven_operation_duration_seconds_total{resource=\"site\",op=\"start\",result=\"ok\"} 1.750",
                "haven_events_total 2");
    }

    @Test
    void openMetricsNamesCounterFamiliesWithoutTotalAndEndsWithEof() {
        String text = render(true);
        checkWellFormed(text, true);
        assertThat(text).contains("# TYPE haven_failovers counter\nhaven_failovers_total 0\n");
        assertThat(Metrics.contentType(true)).startsWith("application/openmetrics-text; version=1.0.0");
    }

    @Test
    void refusedClusterDatagramsAreCountedByReason() {
        String text = render(false);
        checkWellFormed(text, false);
        assertThat(text).contains("# TYPE haven_cluster_datagrams_refused_total counter\n")
                .containsPattern("haven_cluster_datagrams_refused_total\\{reason=\"forged\"\\} \\d+\n")
                .containsPattern("haven_cluster_datagrams_refused_total\\{reason=\"replayed\"\\} \\d+\n")
                .containsPattern("haven_cluster_datagrams_accepted_total \\d+\n");
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(Metrics.label("detail", "a \"b\" \\ c\nd")).isEqualTo("detail=\"a \\\"b\\\" \\\\ c\\nd\"");
    }

    @Test
    void aReplicatedCopyIsMeasuredOnTheNodeThatHoldsIt() {
        ClusterState s = state(new Command.Assign(WEB, Optional.of(N2), "t"));
        java.util.Map<String, String> primary = new java.util.LinkedHashMap<>();
        primary.put("role", "primary");
        primary.put("generation", "7");
        primary.put("epoch", "2");
        primary.put("whole", "true");
        primary.put("in_sync", "n1,n3");
        primary.put("replica.n1", "in-sync confirmed 40 lag 4096 B");
        primary.put("lag_bytes.n1", "4096");
        primary.put("lag_bytes.n3", "0");
        primary.put("would_lose_bytes", "0");
        primary.put("lag_p50_ms", "0.52");
        primary.put("lag_p99_ms", "3.60");
        String text = Metrics.render(status(s), events, false, r -> r.equals(SITE) ? primary : java.util.Map.of());
        List<String> samples = checkWellFormed(text, false);
        assertThat(samples).contains(
                "haven_replication_primary{resource=\"site\"} 1",
                "haven_replication_epoch{resource=\"site\"} 2",
                "haven_replication_in_sync_replicas{resource=\"site\"} 2",
                "haven_replication_lag_bytes{resource=\"site\",replica=\"n1\"} 4096",
                "haven_replication_would_lose_bytes{resource=\"site\"} 0");
        assertThat(text).contains("haven_replication_confirm_delay_ms{resource=\"site\",quantile=\"0.99\"} 3.6");
        String replicaText = Metrics.render(status(s), events, false,
                r -> r.equals(SITE) ? java.util.Map.of("role", "replica", "epoch", "1", "whole", "false") : java.util.Map.of());
        assertThat(checkWellFormed(replicaText, false)).contains("haven_replication_primary{resource=\"site\"} 0",
                "haven_replication_whole{resource=\"site\"} 0").noneMatch(l -> l.startsWith("haven_replication_lag_bytes"));
        assertThat(render(false)).doesNotContain("haven_replication");
    }
}
