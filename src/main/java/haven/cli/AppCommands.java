package haven.cli;

import haven.client.BarrierResult;
import haven.client.BarrierTimeoutException;
import haven.client.HavenClient;
import haven.client.HavenException;
import haven.client.Message;
import haven.client.QuorumInfo;
import haven.client.Subscription;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The cluster services for applications from a shell: the same calls as the {@link haven.client} library
 * (which they use), so that a script can send, follow, wait at a barrier or ask for quorum.
 */
final class AppCommands {
    private AppCommands() {}

    static HavenClient client(ApiOptions api) {
        return HavenClient.connect(URI.create("http://127.0.0.1:" + api.port()));
    }

    /** Runs a client call; a refusal becomes the API's reason on stderr and exit code 1. */
    static int run(Callable<Integer> call) throws Exception {
        try {
            return call.call();
        } catch (HavenException e) {
            System.err.println("haven: " + e.getMessage().strip());
            return 1;
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true, description = "Send a {name,value} message to every node (or one);"
            + " prints its seq in the cluster-wide order once committed.")
    static final class Send implements Callable<Integer> {
        @Parameters(index = "0", description = "message name") String name;
        @Parameters(index = "1", description = "message value (at most 1024 bytes)") String value;
        @Option(names = "--to", description = "only this node receives it") String to;
        @Mixin ApiOptions api;

        @Override
        public Integer call() throws Exception {
            try (HavenClient haven = client(api)) {
                return run(() -> {
                    System.out.println(to == null ? haven.send(name, value) : haven.send(to, name, value));
                    return 0;
                });
            }
        }
    }

    @Command(name = "messages", mixinStandardHelpOptions = true, description = "Print the messages this node received, one per"
            + " line: SEQ FROM NAME VALUE. With --follow, go on printing new ones (resuming after a lost connection).")
    static final class Messages implements Callable<Integer> {
        @Option(names = "--after", description = "only messages after this seq (default: all the cluster still holds;"
                + " with --follow: from now)") Long after;
        @Option(names = "--follow", description = "print new messages as they are committed") boolean follow;
        @Option(names = "--count", description = "with --follow: stop after this many messages") Long count;
        @Mixin ApiOptions api;

        @Override
        public Integer call() throws Exception {
            try (HavenClient haven = client(api)) {
                return run(() -> follow ? follow(haven) : list(haven));
            }
        }

        private int list(HavenClient haven) {
            for (Message m : haven.read(after == null ? -1 : after)) print(m);
            return 0;
        }

        private int follow(HavenClient haven) throws InterruptedException {
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<HavenException> ended = new AtomicReference<>();
            long[] printed = {0};
            try (Subscription sub = haven.subscribe(after == null ? -1 : after, new HavenClient.Listener() {
                @Override
                public void onMessage(Message m) {
                    print(m);
                    if (count != null && ++printed[0] >= count) done.countDown();
                }

                @Override
                public void onError(HavenException e) {
                    System.err.println("haven: " + e.getMessage().strip());
                    if (e.status() == 410) {
                        ended.set(e);
                        done.countDown();
                    }
                }
            })) {
                done.await();
            }
            return ended.get() == null ? 0 : 1;
        }

        private static void print(Message m) {
            System.out.println(m.seq() + " " + m.from() + " " + m.name() + " " + m.value());
            System.out.flush();
        }
    }

    @Command(name = "barrier", mixinStandardHelpOptions = true, description = "Wait at a named barrier until every expected"
            + " participant has arrived (exit 0), or until the timeout (exit 1, naming who was missing).")
    static final class Barrier implements Callable<Integer> {
        @Parameters(index = "0", description = "barrier name") String name;
        @Option(names = "--participant", required = true, description = "who arrives (e.g. this node's name)") String participant;
        @Option(names = "--expected", required = true, description = "how many participants, or their names: a,b,c") String expected;
        @Option(names = "--timeout", defaultValue = "30s", converter = EventsCommand.DurationConverter.class,
                description = "how long to wait (default: ${DEFAULT-VALUE})") Duration timeout;
        @Mixin ApiOptions api;

        @Override
        public Integer call() throws Exception {
            try (HavenClient haven = client(api)) {
                return run(() -> {
                    try {
                        BarrierResult r = expected.matches("\\d+")
                                ? haven.barrier(name, participant, Integer.parseInt(expected), timeout)
                                : haven.barrier(name, participant, List.copyOf(Arrays.asList(expected.split(","))), timeout);
                        System.out.println("completed: barrier " + r.barrier() + " round " + r.round() + ": "
                                + String.join(", ", r.arrived()) + " arrived");
                        return 0;
                    } catch (BarrierTimeoutException e) {
                        System.err.println("haven: " + e.getMessage());
                        return 1;
                    }
                });
            }
        }
    }

    @Command(name = "quorum", mixinStandardHelpOptions = true, description = "Say whether this node's partition has quorum,"
            + " and the votes behind it; exit 0 if quorate, 1 if not.")
    static final class Quorum implements Callable<Integer> {
        @Mixin ApiOptions api;

        @Override
        public Integer call() throws Exception {
            try (HavenClient haven = client(api)) {
                return run(() -> {
                    QuorumInfo q = haven.quorum();
                    System.out.println((q.quorate() ? "quorate" : "NOT quorate") + ": " + q.votes() + " of " + q.expectedVotes()
                            + " votes, " + q.needed() + " needed (" + q.mode() + "); members " + String.join(", ", q.members()));
                    return q.quorate() ? 0 : 1;
                });
            }
        }
    }
}
