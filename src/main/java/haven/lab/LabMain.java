package haven.lab;

import haven.daemon.DaemonMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A `haven` that knows only `haven lab ...`: what the lab's own launcher runs (the lab fence agent calls
 * `haven lab fault kill|heal`), so that the lab names no class of the CLI, which sits above it and uses it.
 */
@Command(name = "haven", description = "The lab's commands of haven.", subcommands = LabCommand.class)
public final class LabMain implements Runnable {

    public static void main(String[] args) {
        DaemonMain.prepareJvm();
        System.exit(new CommandLine(new LabMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
