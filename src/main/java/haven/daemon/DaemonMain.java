package haven.daemon;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The daemons' own entry point, below the CLI: `node` and `witness` with exactly the options and behaviour of
 * `haven node` and `haven witness` (the same classes run both). Programs that start daemons (the lab) name
 * this class, so that they need not reach up to the CLI, which itself uses them.
 */
@Command(name = "haven", description = "Run a haven daemon: `node` (a cluster member) or `witness`.",
        subcommands = {DaemonMain.Node.class, WitnessCommand.class})
public final class DaemonMain implements Runnable {

    public static void main(String[] args) {
        prepareJvm();
        System.exit(new CommandLine(new DaemonMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    /** What every haven JVM sets before anything else runs; called by each main class. */
    public static void prepareJvm() {
        // JGroups logs through SLF4J whenever its API is on the class path, even with no provider (then nowhere):
        // haven's logs take one path, the JDK's, whatever else shares the class path (tests, packagers' extras).
        System.setProperty("jgroups.use.jdk_logger", "true");
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "node", description = "Run this machine's haven daemon (in the foreground).")
    static final class Node implements Callable<Integer> {
        @Mixin NodeRun daemon;

        @Override
        public Integer call() throws Exception {
            return daemon.run();
        }
    }
}
