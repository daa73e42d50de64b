package haven.executor;

import haven.core.AgentResult;
import haven.core.Operation;
import haven.core.ResourceId;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One resource's queue of operations and the worker that drains it, one operation at a time. The worker
 * is a virtual thread that exists only while there is work; each agent call runs on a thread of its own so
 * the worker can abandon it at the deadline.
 *
 * <p>Thread safety: the queue, the worker and the abandoned call are guarded by {@code this}.
 */
final class Lane {
    private static final System.Logger LOG = System.getLogger(Lane.class.getName());

    /** {@code notice}: what a NOTIFY tells the agent; empty for every other operation. */
    record Task(Operation op, Duration timeout, long generation, java.util.Optional<haven.core.Notice> notice,
            Consumer<AgentResult> whenDone) {
        Task(Operation op, Duration timeout, long generation, Consumer<AgentResult> whenDone) {
            this(op, timeout, generation, java.util.Optional.empty(), whenDone);
        }
    }

    private final ResourceId id;
    private final ResourceAgent agent;
    private final int queueLimit;
    private final Duration abandonSlack;
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private Thread worker;
    /** The agent call running now, or one we gave up on that has not returned yet. */
    private Thread call;

    Lane(ResourceId id, ResourceAgent agent, int queueLimit, Duration abandonSlack) {
        this.id = id;
        this.agent = agent;
        this.queueLimit = queueLimit;
        this.abandonSlack = abandonSlack;
    }

    /** False when the queue is full. */
    synchronized boolean offer(Task task) {
        if (queue.size() >= queueLimit) return false;
        queue.add(task);
        if (worker == null) worker = Thread.ofVirtual().name("lane-" + id).start(this::drain);
        return true;
    }

    private void drain() {
        while (true) {
            Task task;
            synchronized (this) {
                task = queue.poll();
                if (task == null) {
                    worker = null;
                    notifyAll();
                    return;
                }
            }
            deliver(task.whenDone(), runOne(task), id.name());
        }
    }

    private AgentResult runOne(Task task) {
        long deadline = System.nanoTime() + task.timeout().toNanos();
        Thread previous;
        synchronized (this) {
            previous = call;
        }
        if (previous != null && !joinUntil(previous, deadline)) {
            return AgentResult.timeout(task.op() + " not run: an abandoned earlier operation of " + id
                    + " was still running at this one's deadline (" + task.timeout().toMillis() + " ms)");
        }
        Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        FutureTask<AgentResult> future = new FutureTask<>(() -> invoke(task, left));
        Thread t = Thread.ofVirtual().name("agent-" + id + "-" + task.op()).unstarted(future);
        synchronized (this) {
            call = t;
        }
        t.start();
        try {
            AgentResult r = future.get(left.plus(abandonSlack).toNanos(), TimeUnit.NANOSECONDS);
            synchronized (this) {
                call = null;
            }
            return r != null ? r : AgentResult.failed(id + ": agent returned no result for " + task.op());
        } catch (TimeoutException e) {
            future.cancel(true); // interrupt: the agent cleans up what it can; `call` stays set until it returns
            return AgentResult.timeout(task.op() + " of " + id + " did not answer within " + left.toMillis() + " ms (+"
                    + abandonSlack.toMillis() + " ms slack); abandoned");
        } catch (ExecutionException e) {
            synchronized (this) {
                call = null;
            }
            Throwable cause = e.getCause();
            return AgentResult.failed(task.op() + " of " + id + " threw " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (InterruptedException | CancellationException e) {
            // Only close() interrupts a worker: treat the call as abandoned.
            future.cancel(true);
            return AgentResult.timeout(task.op() + " of " + id + " abandoned: executor closing");
        }
    }

    private AgentResult invoke(Task task, Duration timeout) {
        long generation = task.generation();
        return switch (task.op()) {
            case START -> agent.start(timeout, generation);
            case STOP -> agent.stop(timeout);
            case MONITOR -> agent.monitor(timeout);
            case RELOAD -> agent.reload(timeout);
            case PROMOTE -> agent.promote(timeout, generation);
            case DEMOTE -> agent.demote(timeout);
            case NOTIFY -> task.notice().map(n -> agent.notify(timeout, n))
                    .orElseGet(() -> AgentResult.failed("notify of " + id + " without a notice"));
        };
    }

    private boolean joinUntil(Thread t, long deadlineNs) {
        try {
            long leftNs = deadlineNs - System.nanoTime();
            if (leftNs > 0) t.join(Duration.ofNanos(leftNs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) return false;
        synchronized (this) {
            if (call == t) call = null;
        }
        return true;
    }

    static void deliver(Consumer<AgentResult> whenDone, AgentResult result, String resource) {
        try {
            whenDone.accept(result);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "result callback threw for " + resource, e);
        }
    }

    /** Reports every queued, not started operation as not run. */
    void refuseQueued(String why) {
        ArrayDeque<Task> refused;
        synchronized (this) {
            refused = new ArrayDeque<>(queue);
            queue.clear();
        }
        for (Task t : refused) deliver(t.whenDone(), AgentResult.failed(t.op() + " of " + id + ": " + why), id.name());
    }

    /** Waits until the worker has nothing left to do; false after {@code limit}. */
    synchronized boolean awaitIdle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (worker != null) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) return false;
            try {
                wait(leftMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Interrupts the worker (whose running call is then abandoned and reported TIMEOUT). */
    synchronized void abandonRunning() {
        if (worker != null) worker.interrupt();
    }
}
