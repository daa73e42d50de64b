package haven.cli;

import haven.config.ClusterConfig;
import haven.config.ConfigException;
import haven.config.ConfigLoader;
import haven.config.ConfigProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Offline tools for the cluster config file; they read only the file, never a running cluster. */
@Command(name = "config", description = "Check a cluster config file, or print a commented example.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Example.class})
public final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", description = "Check a config file and print every problem with its line and column.",
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:the file is valid", "1:the file has problems (printed to stderr)",
                "2:the file cannot be read, or the command line is wrong"})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the cluster config file, e.g. /etc/haven/cluster.yaml")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            // Missing or unreadable is a different failure from "invalid": scripts can tell them apart.
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                err.println("haven config check: " + file + ": " + (Files.exists(file)
                        ? "not a readable file" : "no such file") + " (give the path of a cluster config file; "
                        + "`haven config example` prints one)");
                err.flush();
                return 2;
            }
            try {
                ClusterConfig config = ConfigLoader.load(file);
                out.println("ok: cluster " + config.clusterName() + ", " + config.nodes().size() + " nodes, "
                        + config.resources().size() + " resources in " + config.groups().size() + " groups");
                out.flush();
                return 0;
            } catch (ConfigException e) {
                for (ConfigProblem p : e.problems()) {
                    err.println(p);
                }
                int n = e.problems().size();
                err.println(n + (n == 1 ? " problem" : " problems") + " in " + file);
                err.flush();
                return 1;
            }
        }
    }

    @Command(name = "example", description = "Print a fully commented example config to stdout.")
    static final class Example implements Callable<Integer> {
        static final String RESOURCE = "/haven/example-config.yaml";

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            out.print(text());
            out.flush();
            return 0;
        }

        static String text() throws IOException {
            try (InputStream in = ConfigCommand.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the haven jar; rebuild haven");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
