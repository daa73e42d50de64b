package haven.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point: `haven node` runs the daemon, every other subcommand is a tool or an API client. */
@Command(name = "haven", mixinStandardHelpOptions = true, version = "haven 0.1.0",
        description = "High-availability cluster manager for Linux.",
        subcommands = {
            NodeCommand.class,
            haven.daemon.WitnessCommand.class,
            SimCommand.class,
            BenchCommand.class,
            StatusCommand.class,
            WhyCommand.class,
            PlanCommand.class,
            EventsCommand.class,
            AppCommands.Send.class,
            AppCommands.Messages.class,
            AppCommands.Barrier.class,
            AppCommands.Quorum.class,
            LogCommand.class,
            MaintenanceCommand.class,
            ResourceCommand.class,
            ConfigCommand.class,
            FenceCommand.class,
            AgentCommand.class,
            AddCommand.class,
            ImportCommand.class,
            ImportCommand.Simulate.class,
            haven.lab.LabCommand.class,
            haven.cts.CtsCommand.class,
            DemoCommand.class,
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        haven.daemon.DaemonMain.prepareJvm();
        int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
