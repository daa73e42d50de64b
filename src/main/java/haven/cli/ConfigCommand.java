package haven.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import haven.config.ClusterConfig;
import haven.config.budget.BudgetJson;
import haven.config.budget.BudgetReport;
import haven.config.budget.BudgetTable;
import haven.validation.AgentChecks;
import haven.validation.ConfigCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The cluster config: check a file offline, print an example, and on a running cluster read the committed
 * config or change it (through the local daemon's /ha/config).
 */
@Command(name = "config", description = "Check a cluster config file, print a commented example, or read / change the config"
        + " of the running cluster.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Example.class, ConfigApply.class, ConfigShow.class})
public final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", description = {"Check a config file and print every problem with its line and column.",
        "When the file loads, also print each group's failover budget: the worst-case time from the death of its "
            + "node to the group running elsewhere, term by term, from the configured timers and timeouts.",
        "Each fence device's agent, when installed on this machine, is asked which parameters it accepts: an "
            + "unknown or missing required parameter is a problem, an agent missing here a warning.",
        "So is each ocf: resource's agent (from its meta-data); lsb: scripts and systemd: support are looked for here."},
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:the file is valid (warnings may be printed)", "1:the file has problems (printed to stderr)",
                "2:the file cannot be read, or the command line is wrong"})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the cluster config file, e.g. /etc/haven/cluster.yaml")
        Path file;

        @Option(names = "--json", description = "print one JSON document on stdout instead: validity, each group's "
                + "budget in milliseconds, and every problem and warning")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                return check(out, err);
            } finally {
                out.flush();
                err.flush();
            }
        }

        private int check(PrintWriter out, PrintWriter err) {
            // Missing or unreadable is a different failure from "invalid": scripts can tell them apart.
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                err.println("haven config check: " + file + ": " + (Files.exists(file)
                        ? "not a readable file" : "no such file") + " (give the path of a cluster config file; "
                        + "`haven config example` prints one)");
                return 2;
            }
            // One entry point for every caller (the daemon at start, PUT /ha/config): same rules, same places.
            ConfigCheck.Outcome outcome = ConfigCheck.file(file, AgentChecks.INSTALLED);
            if (outcome.budget().isEmpty()) {
                if (json) {
                    printJson(out, false, null, JsonNodeFactory.instance.arrayNode(), BudgetJson.problems(outcome.findings()));
                } else {
                    outcome.findings().forEach(err::println);
                    err.println(count(outcome.errors().size(), "problem") + " in " + file + warningCount(outcome.warnings().size()));
                }
                return 1;
            }
            BudgetReport budget = outcome.budget().get();
            ClusterConfig config = outcome.config().orElseThrow();
            boolean valid = outcome.ok();
            if (json) {
                printJson(out, valid, config, BudgetJson.groups(budget), BudgetJson.problems(budget.findings()));
                return valid ? 0 : 1;
            }
            if (valid) {
                out.println("ok: cluster " + config.clusterName() + ", " + config.nodes().size() + " nodes, "
                        + config.resources().size() + " resources in " + config.groups().size() + " groups");
                printStartOrders(out, config);
                out.println();
            }
            out.print(BudgetTable.render(budget));
            budget.findings().forEach(err::println);
            int warnings = budget.warnings().size();
            if (!valid) {
                err.println(count(budget.errors().size(), "problem") + " in " + file + warningCount(warnings));
            } else if (warnings > 0) {
                err.println(count(warnings, "warning") + " in " + file);
            }
            return valid ? 0 : 1;
        }

        /** The groups that do not start as listed (their address last), so that no one is surprised by it. */
        private static void printStartOrders(PrintWriter out, ClusterConfig config) {
            List<String> moved = config.groups().stream().filter(g -> !g.startOrder().equals(g.members()))
                    .map(g -> g.id().name() + " starts " + String.join(", then ", g.startOrder().stream()
                            .map(haven.core.ResourceId::name).toList()))
                    .toList();
            if (moved.isEmpty()) return;
            out.println("start order (addresses after the members that can start without them; order: listed keeps"
                    + " the written order):");
            moved.stream().limit(10).forEach(line -> out.println("  " + line));
            if (moved.size() > 10) out.println("  ... and " + (moved.size() - 10) + " more groups");
        }

        private void printJson(PrintWriter out, boolean valid, ClusterConfig config, ArrayNode groups, ArrayNode problems) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            doc.put("file", file.toString());
            doc.put("valid", valid);
            if (config == null) {
                doc.putNull("cluster");
            } else {
                doc.put("cluster", config.clusterName());
            }
            doc.set("groups", groups);
            doc.set("problems", problems);
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a tree of plain values could not be written as JSON", e);
            }
        }

        private static String warningCount(int warnings) {
            return warnings == 0 ? "" : "; " + count(warnings, "warning");
        }

        private static String count(int n, String noun) {
            return n + " " + noun + (n == 1 ? "" : "s");
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
