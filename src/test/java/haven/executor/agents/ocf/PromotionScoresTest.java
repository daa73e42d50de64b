package haven.executor.agents.ocf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import haven.config.ResourceConfig;
import haven.core.AgentResult;
import haven.core.AgentResult.Status;
import haven.core.ResourceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** haven's crm_master and crm_attribute, as unmodified agents call them, and the scores the daemon reads back. */
class PromotionScoresTest {
    private static final Duration T = Duration.ofSeconds(20);

    private static Map<String, String> env(PromotionScores scores) {
        Map<String, String> env = new TreeMap<>(scores.environment());
        env.put("HAVEN_NODE", "n1");
        return env;
    }

    @Test
    void resourceAgentsStatefulSetsItsScoreThroughOurCrmMasterAtEveryStep(@TempDir Path dir) throws Exception {
        assumeThat(OcfRoot.STANDARD.installed(OcfType.parse("ocf:heartbeat:Stateful"))).as("resource-agents installed").isTrue();
        PromotionScores scores = PromotionScores.install(dir.resolve("state"));
        ResourceId db = ResourceId.of("db");
        var agent = new OcfAgent(new ResourceConfig(db, "ocf:heartbeat:Stateful", Map.of("state", dir.resolve("db.state").toString()), T, T,
                Duration.ofSeconds(5), T), env(scores));
        assertThat(scores.of(db)).isEmpty();
        assertThat(agent.start(T, 3)).isEqualTo(AgentResult.ok());
        assertThat(scores.of(db)).contains(5L);
        assertThat(agent.promote(T, 4)).isEqualTo(AgentResult.ok());
        assertThat(scores.of(db)).contains(10L);
        assertThat(agent.monitor(T).status()).isEqualTo(Status.PROMOTED);
        assertThat(agent.demote(T)).isEqualTo(AgentResult.ok());
        assertThat(scores.of(db)).contains(5L);
        assertThat(agent.stop(T)).isEqualTo(AgentResult.ok());
        assertThat(scores.of(db)).as("a stopped instance deletes its score").isEmpty();
    }

    @Test
    void crmAttributeSetsGetsDeletesAndRefusesAnotherNodesAttributes(@TempDir Path dir) throws Exception {
        PromotionScores scores = PromotionScores.install(dir.resolve("state"));
        Path sbin = dir.resolve("state").resolve("sbin");
        assertThat(run(scores, List.of(sbin + "/crm_attribute", "-p", "-v", "INFINITY")).code).isZero();
        assertThat(scores.of(ResourceId.of("db"))).contains(PromotionScores.INFINITY);
        Result got = run(scores, List.of(sbin + "/crm_attribute", "-N", "n1", "-n", "master-db", "-G", "-q"));
        assertThat(got.out.strip()).isEqualTo("1000000");
        assertThat(run(scores, List.of(sbin + "/crm_master", "-l", "reboot", "-v", "-INFINITY")).code).isZero();
        assertThat(scores.of(ResourceId.of("db"))).contains(-PromotionScores.INFINITY);
        Result other = run(scores, List.of(sbin + "/crm_attribute", "-N", "n2", "-n", "x", "-v", "1"));
        assertThat(other.code).isEqualTo(1);
        assertThat(other.out).contains("only this node's attributes (n1)");
        assertThat(run(scores, List.of(sbin + "/crm_master", "-D")).code).isZero();
        assertThat(scores.of(ResourceId.of("db"))).isEmpty();
        assertThat(run(scores, List.of(sbin + "/crm_master", "-G", "-q")).code).as("a missing attribute, as Pacemaker says it").isEqualTo(6);
    }

    @Test
    void aFreshRunStartsWithoutTheScoresOfTheLastOne(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state.resolve("attributes"));
        Files.writeString(state.resolve("attributes").resolve("master-db"), "7\n");
        assertThat(PromotionScores.install(state).of(ResourceId.of("db"))).isEmpty();
        Files.writeString(state.resolve("attributes").resolve("master-db"), "not a number");
        assertThat(PromotionScores.install(state).of(ResourceId.of("db"))).isEqualTo(Optional.empty());
    }

    private record Result(int code, String out) {}

    private static Result run(PromotionScores scores, List<String> argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true);
        pb.environment().putAll(env(scores));
        pb.environment().put("OCF_RESOURCE_INSTANCE", "db");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        return new Result(p.exitValue(), out);
    }
}
