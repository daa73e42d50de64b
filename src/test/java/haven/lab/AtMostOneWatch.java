package haven.lab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Samples every 10 ms, for a whole test and from outside haven, which nodes hold something only one may hold (a
 * primary role, a mount), and remembers the most at one moment. A node in {@link #poweredOff} is not counted: a
 * powered-off machine holds nothing from the moment its power goes, while the lab's kill ends its processes one by
 * one over up to a second.
 */
final class AtMostOneWatch implements AutoCloseable {
    final Set<Integer> poweredOff = ConcurrentHashMap.newKeySet();
    private final String what;
    private final Supplier<List<Integer>> holders;
    private final AtomicInteger most = new AtomicInteger();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread = new Thread(this::run, "at-most-one-watch");

    private AtMostOneWatch(String what, Supplier<List<Integer>> holders) {
        this.what = what;
        this.holders = holders;
    }

    /** {@code what} names the thing held, for the errors ("primaries", "mounts"). */
    static AtMostOneWatch start(String what, Supplier<List<Integer>> holders) {
        AtMostOneWatch w = new AtMostOneWatch(what, holders);
        w.thread.setDaemon(true);
        w.thread.start();
        return w;
    }

    /** The most nodes seen holding it at one moment. */
    int most() {
        return most.get();
    }

    /** The first few moments with more than one holder, or a sample that failed. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    private void run() {
        while (running.get()) {
            try {
                List<Integer> now = holders.get().stream().filter(n -> !poweredOff.contains(n)).toList();
                if (now.size() > 1 && errors.size() < 5) errors.add(what + " on nodes " + now + " at once");
                most.accumulateAndGet(now.size(), Math::max);
            } catch (RuntimeException e) {
                if (errors.size() < 5) errors.add(e.toString());
            }
            Pids.sleep(10);
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
