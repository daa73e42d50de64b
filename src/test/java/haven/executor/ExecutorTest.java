package haven.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.core.AgentResult;
import haven.core.Operation;
import haven.config.ResourceConfig;
import haven.core.ResourceId;
import haven.core.AgentResult.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorTest {
    private static final ResourceId A = ResourceId.of("a");
    private static final ResourceId B = ResourceId.of("b");
    private static final Duration T = Duration.ofSeconds(5);

    /** An agent whose every operation does what the test says; stands in for slow or broken agents. */
    private static final class ScriptedAgent implements ResourceAgent {
        final Function<Operation, AgentResult> body;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final List<Operation> seen = Collections.synchronizedList(new ArrayList<>());

        ScriptedAgent(Function<Operation, AgentResult> body) {
            this.body = body;
        }

        private AgentResult run(Operation op) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                seen.add(op);
                return body.apply(op);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public AgentResult start(Duration timeout) {
            return run(Operation.START);
        }

        @Override
        public AgentResult stop(Duration timeout) {
            return run(Operation.STOP);
        }

        @Override
        public AgentResult monitor(Duration timeout) {
            return run(Operation.MONITOR);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static AgentResult await(CompletableFuture<AgentResult> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void operationsOfOneResourceRunOneAtATimeInSubmissionOrder() throws Exception {
        var agent = new ScriptedAgent(op -> {
            sleep(10);
            return AgentResult.ok();
        });
        List<Operation> submitted = new ArrayList<>();
        List<Operation> completed = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(12);
        try (var ex = new Executor(Map.of(A, agent))) {
            for (int i = 0; i < 12; i++) {
                Operation op = Operation.values()[i % 3];
                submitted.add(op);
                ex.submit(A, op, T, r -> {
                    completed.add(op);
                    done.countDown();
                });
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(agent.seen).containsExactlyElementsOf(submitted);
        assertThat(completed).containsExactlyElementsOf(submitted);
        assertThat(agent.maxInFlight.get()).isEqualTo(1);
    }

    @Test
    void differentResourcesRunInParallel() throws Exception {
        var slow = new ScriptedAgent(op -> {
            sleep(400);
            return AgentResult.ok();
        });
        var slowToo = new ScriptedAgent(op -> {
            sleep(400);
            return AgentResult.ok();
        });
        try (var ex = new Executor(Map.of(A, slow, B, slowToo))) {
            var fa = new CompletableFuture<AgentResult>();
            var fb = new CompletableFuture<AgentResult>();
            long t0 = System.nanoTime();
            ex.submit(A, Operation.START, T, fa::complete);
            ex.submit(B, Operation.START, T, fb::complete);
            assertThat(await(fa).isOk()).isTrue();
            assertThat(await(fb).isOk()).isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(750);
        }
    }

    @Test
    void anOverrunningAgentIsAbandonedAsTimeoutAndTheNextOperationWaitsForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        var stuck = new ScriptedAgent(op -> {
            if (op == Operation.START) {
                // Ignores interrupts, as a blocked native call would.
                while (true) {
                    try {
                        if (release.await(10, TimeUnit.SECONDS)) break;
                    } catch (InterruptedException e) {
                        // keep waiting
                    }
                }
                return AgentResult.ok();
            }
            return AgentResult.notRunning();
        });
        try (var ex = new Executor(Map.of(A, stuck), Duration.ofMillis(50))) {
            var start = new CompletableFuture<AgentResult>();
            var monitor = new CompletableFuture<AgentResult>();
            var stop = new CompletableFuture<AgentResult>();
            long t0 = System.nanoTime();
            ex.submit(A, Operation.START, Duration.ofMillis(200), start::complete);
            ex.submit(A, Operation.MONITOR, Duration.ofMillis(200), monitor::complete);
            ex.submit(A, Operation.STOP, T, stop::complete);
            AgentResult s = await(start);
            long startMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(s.status()).isEqualTo(Status.TIMEOUT);
            assertThat(s.detail()).contains("abandoned");
            assertThat(startMs).isBetween(200L, 1000L);
            // The abandoned start is still running, so the monitor may not overlap it.
            assertThat(await(monitor).status()).isEqualTo(Status.TIMEOUT);
            assertThat(stop.isDone()).isFalse();
            release.countDown();
            assertThat(await(stop).status()).isEqualTo(Status.NOT_RUNNING);
            assertThat(stuck.maxInFlight.get()).isEqualTo(1);
            assertThat(stuck.seen).containsExactly(Operation.START, Operation.STOP);
        }
    }

    @Test
    void agentExceptionsAndUnknownResourcesBecomeResultsNotThrows() throws Exception {
        var broken = new ScriptedAgent(op -> {
            throw new IllegalStateException("disk on fire");
        });
        try (var ex = new Executor(Map.of(A, broken))) {
            var f = new CompletableFuture<AgentResult>();
            ex.submit(A, Operation.START, T, f::complete);
            assertThat(await(f).status()).isEqualTo(Status.FAILED);
            assertThat(f.get().detail()).contains("IllegalStateException").contains("disk on fire");

            var unknown = new CompletableFuture<AgentResult>();
            ex.submit(ResourceId.of("nope"), Operation.START, T, unknown::complete);
            assertThat(await(unknown).status()).isEqualTo(Status.CONFIG_ERROR);
            assertThat(unknown.get().detail()).contains("nope");

            var bad = new CompletableFuture<AgentResult>();
            ex.submit(A, Operation.START, Duration.ZERO, bad::complete);
            assertThat(await(bad).status()).isEqualTo(Status.FAILED);
        }
    }

    @Test
    void closeReportsQueuedOperationsAsNotRun() throws Exception {
        var slow = new ScriptedAgent(op -> {
            sleep(300);
            return AgentResult.ok();
        });
        var first = new CompletableFuture<AgentResult>();
        var queued = new CompletableFuture<AgentResult>();
        var ex = new Executor(Map.of(A, slow));
        ex.submit(A, Operation.START, T, first::complete);
        ex.submit(A, Operation.MONITOR, T, queued::complete);
        sleep(50);
        ex.close();
        assertThat(await(first).isOk()).as("the running operation finishes").isTrue();
        assertThat(await(queued).detail()).contains("closed");
        var after = new CompletableFuture<AgentResult>();
        ex.submit(A, Operation.MONITOR, T, after::complete);
        assertThat(await(after).detail()).contains("closed");
    }

    @Test
    void aSupervisedProcessExitReachesTheFailureListenerWithItsResource(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        var rc = new ResourceConfig(A, "process", Map.of("command", "echo $$ > " + pidFile + "; exec sleep 1000"),
                T, T, Duration.ofSeconds(5), T);
        var failure = new CompletableFuture<String>();
        try (var ex = Executor.forResources(List.of(rc))) {
            ex.onUnexpectedFailure((id, why) -> failure.complete(id + ": " + why));
            var started = new CompletableFuture<AgentResult>();
            ex.submit(A, Operation.START, T, started::complete);
            assertThat(await(started).isOk()).isTrue();
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow().destroy();
            assertThat(failure.get(5, TimeUnit.SECONDS)).startsWith("a: ").contains("signal 15");
            var monitor = new CompletableFuture<AgentResult>();
            ex.submit(A, Operation.MONITOR, T, monitor::complete);
            assertThat(await(monitor).status()).isEqualTo(Status.FAILED);
            var stop = new CompletableFuture<AgentResult>();
            ex.submit(A, Operation.STOP, T, stop::complete);
            assertThat(await(stop).isOk()).isTrue();
        }
    }

    @Test
    void factoryNamesUnknownTypesAndTheKnownOnes() {
        assertThat(AgentFactory.knownTypes()).containsExactly("ipaddr", "postgresql", "process", "replicated-dir");
        var rc = new ResourceConfig(A, "nfs", Map.of(), T, T, T, T);
        assertThatThrownBy(() -> AgentFactory.create(rc)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nfs'").hasMessageContaining("ipaddr, postgresql, process");
        assertThat(AgentFactory.create(new ResourceConfig(A, "ipaddr", Map.of("address", "10.1.2.3/24"), T, T, T, T)))
                .isInstanceOf(haven.executor.agents.IpAddrAgent.class);
    }
}
