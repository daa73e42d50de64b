package haven.executor;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.AgentResult;
import haven.core.Operation;
import haven.core.ResourceId;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A live config change swaps agents: unchanged ones stay, changed ones are replaced, removed ones refuse. */
class ExecutorReplaceTest {
    /** Answers every operation with its own name, so a test can tell which agent ran. */
    record Named(String name) implements ResourceAgent {
        public AgentResult start(Duration t) { return AgentResult.failed(name + " start"); }
        public AgentResult stop(Duration t) { return AgentResult.failed(name + " stop"); }
        public AgentResult monitor(Duration t) { return AgentResult.failed(name + " monitor"); }
        @Override public AgentResult reload(Duration t) { return AgentResult.failed(name + " reload"); }
    }

    static String run(Executor e, String resource, Operation op) throws Exception {
        CompletableFuture<AgentResult> done = new CompletableFuture<>();
        e.submit(ResourceId.of(resource), op, Duration.ofSeconds(5), done::complete);
        return done.get(5, TimeUnit.SECONDS).detail();
    }

    @Test
    void replacedAgentsAnswerFromNowOnAndRemovedResourcesAreRefused() throws Exception {
        ResourceAgent a = new Named("a-old");
        Map<ResourceId, ResourceAgent> agents = new TreeMap<>(Map.of(ResourceId.of("a"), a, ResourceId.of("b"), new Named("b-old")));
        try (Executor e = new Executor(agents)) {
            assertThat(run(e, "b", Operation.MONITOR)).isEqualTo("b-old monitor");
            e.replaceAgents(Map.of(ResourceId.of("a"), a, ResourceId.of("c"), new Named("c-new")));
            assertThat(run(e, "a", Operation.RELOAD)).isEqualTo("a-old reload");
            assertThat(run(e, "c", Operation.START)).isEqualTo("c-new start");
            assertThat(run(e, "b", Operation.MONITOR)).startsWith("no agent for resource b");
            assertThat(e.resources()).containsExactlyInAnyOrder(ResourceId.of("a"), ResourceId.of("c"));
        }
    }

    @Test
    void anAgentWithoutReloadRefusesIt() {
        ResourceAgent plain = new ResourceAgent() {
            public AgentResult start(Duration t) { return AgentResult.ok(); }
            public AgentResult stop(Duration t) { return AgentResult.ok(); }
            public AgentResult monitor(Duration t) { return AgentResult.ok(); }
        };
        assertThat(plain.reload(Duration.ofSeconds(1)).status()).isEqualTo(AgentResult.Status.CONFIG_ERROR);
    }
}
