package haven.cli;

import haven.core.Durations;
import haven.fencing.AgentLocator;
import haven.fencing.AgentMetadata;
import haven.fencing.AgentRun;
import haven.fencing.FenceAction;
import haven.fencing.FenceAgentRunner;
import haven.fencing.FenceException;
import haven.fencing.MetadataParser;
import haven.fencing.ParameterCheck;
import haven.fencing.ParameterSpec;
import haven.fencing.Plug;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `haven fence ...`: fence agents by hand, outside any cluster, to try a device before trusting a node's
 * safety to it. Runs the agent on this host, as the daemon would.
 */
@Command(name = "fence", description = "Fence agents by hand: show what an agent accepts, run one action once.",
        subcommands = {FenceCommand.Metadata.class, FenceCommand.Run.class})
public final class FenceCommand implements Runnable {
    static final String AGENT_HELP = "agent name (looked up in /usr/sbin, /usr/local/sbin, /sbin and among"
            + " haven's own agents, e.g. fence_haven_lab) or path";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Common parts: agent lookup, timeout, one-line errors with exit code 1. */
    abstract static class AgentCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--timeout", defaultValue = "20s", paramLabel = "DURATION",
                description = "kill the agent's process group after this long (default: ${DEFAULT-VALUE})")
        String timeout;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        @Override
        public final Integer call() {
            try {
                return act();
            } catch (FenceException | IllegalArgumentException e) {
                err().println("haven fence " + spec.name() + ": " + e.getMessage());
                return 1;
            } finally {
                out().flush();
                err().flush();
            }
        }

        abstract int act();

        Duration timeout() {
            return Durations.parse(timeout);
        }

        static Path locate(String agent) {
            return AgentLocator.standard().locate(agent);
        }
    }

    @Command(name = "metadata", description = "Print the parameters and actions an agent accepts.",
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:printed", "1:the agent is missing, failed, or printed no valid metadata"})
    static final class Metadata extends AgentCommand {
        @Parameters(paramLabel = "AGENT", description = AGENT_HELP)
        String agent;

        @Option(names = "--all", description = "also list deprecated parameters (old names kept for compatibility)")
        boolean all;

        @Option(names = "--xml", description = "print the agent's metadata XML as it is")
        boolean xml;

        @Override
        int act() {
            Path path = locate(agent);
            AgentRun run = new FenceAgentRunner().run(List.of(path.toString()), FenceAction.METADATA, Map.of(), timeout());
            if (!run.ok()) {
                err().println("haven fence metadata: " + run.describe());
                return 1;
            }
            if (xml) {
                out().print(run.stdout());
                return 0;
            }
            AgentMetadata md = MetadataParser.parse(path.getFileName().toString(), run.stdout());
            out().print(render(md, all));
            return 0;
        }

        static String render(AgentMetadata md, boolean all) {
            StringBuilder b = new StringBuilder();
            b.append(md.agent()).append(md.shortdesc().isEmpty() ? "" : ": " + md.shortdesc()).append("\n\n");
            List<ParameterSpec> shown = md.parameters().stream().filter(p -> all || !p.deprecated()).toList();
            int width = Math.max(9, shown.stream().mapToInt(p -> p.name().length()).max().orElse(0));
            String row = "%-" + width + "s  %-8s  %-8s  %-14s  %s%n";
            b.append(String.format(row, "PARAMETER", "REQUIRED", "TYPE", "DEFAULT", "DESCRIPTION"));
            for (ParameterSpec p : shown) {
                String required = ParameterCheck.SET_BY_HAVEN.contains(p.name()) ? "by haven" : p.required() ? "yes" : "";
                String type = p.type().equals("select") ? "select" : p.type();
                String desc = p.shortdesc() + (p.options().isEmpty() ? "" : " [" + String.join("|", p.options()) + "]")
                        + (p.deprecated() ? md.replacementOf(p.name()).map(r -> " (deprecated: use " + r + ")").orElse(" (deprecated)") : "");
                String def = p.defaultValue().orElse("");
                if (def.length() > 14) def = def.substring(0, 13) + "~"; // long defaults (ssh options) live in the XML
                b.append(String.format(row, p.name(), required, type, def, desc));
            }
            long hidden = md.parameters().size() - shown.size();
            if (hidden > 0) {
                b.append("(").append(hidden).append(hidden == 1 ? " deprecated parameter" : " deprecated parameters")
                        .append(" not shown; --all shows them, --xml shows everything)\n");
            }
            b.append("\nactions: ").append(String.join(", ", md.actions())).append('\n');
            return b.toString();
        }
    }

    @Command(name = "run", description = "Run one action of an agent once and print the result and how long it took."
            + " Parameters go to the agent as key=value lines on stdin, as in a cluster; the target is plug=...",
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:the action succeeded (for status: the agent said on or off)",
                "1:the action failed, timed out, or the agent could not be run"})
    static final class Run extends AgentCommand {
        @Parameters(index = "0", paramLabel = "AGENT", description = AGENT_HELP)
        String agent;

        @Parameters(index = "1", paramLabel = "ACTION", description = "on, off, reboot, status, monitor, list or metadata")
        String action;

        @Parameters(index = "2..*", paramLabel = "KEY=VALUE", description = "agent parameters, e.g. ip=10.0.0.5"
                + " username=admin password_script=/etc/haven/ipmi-pw plug=n2 (a password given here shows in ps;"
                + " it is masked in haven's output)")
        List<String> params = List.of();

        @Override
        int act() {
            FenceAction a = FenceAction.parse(action);
            Map<String, String> args = new LinkedHashMap<>();
            for (String p : params) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + p + "' is not key=value; write e.g. ip=10.0.0.5");
                }
                args.put(p.substring(0, eq), p.substring(eq + 1));
            }
            if (args.containsKey("action")) {
                throw new IllegalArgumentException("give the action as the second argument, not as action=...");
            }
            Path path = locate(agent);
            AgentRun run = new FenceAgentRunner().run(List.of(path.toString()), a, args, timeout());
            out().println(path + " " + String.join(" ", run.args()));
            out().println((run.ok() ? "ok: " : "FAILED: ") + run.result() + " in " + run.elapsed().toMillis() + " ms");
            if (run.ok()) {
                switch (a) {
                    case STATUS -> out().println("power: " + run.power().name().toLowerCase());
                    case LIST -> {
                        for (Plug plug : run.plugs()) out().println("plug " + plug.id() + (plug.alias().isEmpty() ? "" : "  " + plug.alias()));
                    }
                    case METADATA -> out().print(run.stdout());
                    default -> { }
                }
            }
            String tail = run.outputTail(10);
            if (!run.ok() && !tail.isBlank()) {
                out().println("agent output (last lines):");
                tail.lines().forEach(l -> out().println("  " + l));
            }
            return run.ok() ? 0 : 1;
        }
    }
}
