package haven.cli;

import haven.core.Durations;
import haven.core.Suggestions;
import haven.executor.agents.conformance.AgentConformance;
import haven.executor.agents.conformance.ConformanceReport;
import haven.executor.agents.conformance.LsbTarget;
import haven.executor.agents.conformance.OcfTarget;
import haven.executor.agents.conformance.Target;
import haven.executor.agents.lsb.LsbAgent;
import haven.executor.agents.ocf.OcfAction;
import haven.executor.agents.ocf.OcfMetadata;
import haven.executor.agents.ocf.OcfParameter;
import haven.executor.agents.ocf.OcfRoot;
import haven.executor.agents.ocf.OcfType;
import haven.executor.agents.systemd.SystemdAgent;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `haven agent ...`: the OCF agents and init scripts installed on this host, what they accept, and whether
 * one is safe to put in a cluster. Runs on this host only, as the daemon would run the agent.
 */
@Command(name = "agent", description = "Resource agents on this host: list them, describe one, test one.",
        subcommands = {AgentCommand.ListAgents.class, AgentCommand.Info.class, AgentCommand.Test.class})
public final class AgentCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Common parts: where agents live, one-line errors with exit code 2. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--ocf-root", defaultValue = "/usr/lib/ocf", paramLabel = "DIR",
                description = "OCF root holding resource.d/PROVIDER/TYPE (default: ${DEFAULT-VALUE})")
        Path ocfRoot;

        @Option(names = "--init-dir", defaultValue = "/etc/init.d", paramLabel = "DIR",
                description = "where lsb: init scripts are (default: ${DEFAULT-VALUE})")
        Path initDir;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        @Override
        public final Integer call() {
            try {
                return act();
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("haven agent " + spec.name() + ": " + e.getMessage());
                return 2;
            } finally {
                out().flush();
                spec.commandLine().getErr().flush();
            }
        }

        abstract int act();

        OcfRoot root() {
            return new OcfRoot(ocfRoot);
        }

        /** ocf:P:T, P:T, lsb:NAME, or a bare TYPE found under exactly one provider (else an init script NAME). */
        Object resolve(String agent) {
            if (agent.startsWith(LsbAgent.PREFIX)) return LsbAgent.scriptName(agent);
            if (agent.startsWith(SystemdAgent.PREFIX)) {
                throw new IllegalArgumentException("systemd units are not tested here: " + SystemdAgent.unavailable()
                        .orElse("use systemctl status " + SystemdAgent.unitName(agent)));
            }
            if (OcfType.looksLike(agent)) return OcfType.parse(agent);
            if (agent.contains(":")) return OcfType.parse("ocf:" + agent);
            List<OcfType> all = root().agents();
            List<OcfType> named = all.stream().filter(t -> t.type().equals(agent)).toList();
            if (named.size() == 1) return named.get(0);
            if (named.size() > 1) {
                throw new IllegalArgumentException("'" + agent + "' is provided by several providers: "
                        + String.join(", ", named.stream().map(OcfType::toString).toList()) + "; name one");
            }
            if (java.nio.file.Files.isExecutable(initDir.resolve(agent))) return agent;
            List<String> names = all.stream().map(OcfType::type).toList();
            String hint = Suggestions.nearest(agent, names).map(n -> "did you mean '" + n + "'? ").orElse("");
            throw new IllegalArgumentException("no agent '" + agent + "' here (neither an OCF agent under " + ocfRoot
                    + "/resource.d nor an init script in " + initDir + "); " + hint + "`haven agent list` shows them");
        }
    }

    @Command(name = "list", description = "List the OCF agents (by provider) and LSB init scripts installed here.")
    static final class ListAgents extends Base {
        @Override
        int act() {
            Map<String, List<String>> byProvider = new LinkedHashMap<>();
            for (OcfType t : root().agents()) byProvider.computeIfAbsent(t.provider(), p -> new ArrayList<>()).add(t.type());
            if (byProvider.isEmpty()) out().println("no OCF agents under " + ocfRoot + "/resource.d (Debian: apt-get install resource-agents)");
            byProvider.forEach((provider, types) -> print("ocf:" + provider + ":", types));
            List<String> scripts = new ArrayList<>();
            try (var s = java.nio.file.Files.list(initDir)) {
                s.filter(java.nio.file.Files::isExecutable).map(p -> p.getFileName().toString()).sorted().forEach(scripts::add);
            } catch (java.io.IOException e) {
                out().println("lsb: cannot list " + initDir + ": " + e.getMessage());
            }
            print("lsb:", scripts);
            out().println("systemd: " + SystemdAgent.unavailable().orElse("available (systemctl list-units shows the units)"));
            return 0;
        }

        private void print(String heading, List<String> names) {
            out().println(heading + " (" + names.size() + ")");
            StringBuilder line = new StringBuilder("  ");
            for (String n : names) {
                if (line.length() + n.length() > 100) {
                    out().println(line.toString().stripTrailing());
                    line = new StringBuilder("  ");
                }
                line.append(n).append(' ');
            }
            if (line.length() > 2) out().println(line.toString().stripTrailing());
        }
    }

    @Command(name = "info", description = "Describe an OCF agent from its meta-data: parameters and actions.")
    static final class Info extends Base {
        @Parameters(paramLabel = "AGENT", description = "ocf:PROVIDER:TYPE, PROVIDER:TYPE, or TYPE")
        String agent;

        @Override
        int act() {
            Object what = resolve(agent);
            if (!(what instanceof OcfType type)) {
                out().println("lsb:" + what + ": init script " + initDir.resolve((String) what) + "; actions start, stop, status; "
                        + "no parameters (it reads its own /etc/default file)");
                return 0;
            }
            OcfTarget target = new OcfTarget(root(), type, "haven-info", Map.of(), List.of());
            Optional<String> missing = target.missing();
            if (missing.isPresent()) throw new IllegalArgumentException(missing.get());
            var r = target.call("meta-data", Duration.ofSeconds(10));
            if (!r.ok()) throw new IllegalArgumentException(type + " meta-data failed: " + r.describe());
            OcfMetadata md = haven.executor.agents.ocf.OcfMetadataParser.parse(type.toString(), r.output());
            out().println(type + " (version " + (md.version().isBlank() ? "?" : md.version()) + "): " + md.shortdesc());
            out().println();
            out().println("parameters (* required):");
            for (OcfParameter p : md.parameters()) {
                out().printf("  %s%-24s %-8s %s%s%s%n", p.required() ? "*" : " ", p.name(), p.type(), p.shortdesc(),
                        p.defaultValue().filter(d -> !d.isEmpty()).map(d -> " [default: " + d + "]").orElse(""),
                        p.unique() ? " (unique)" : "");
            }
            out().println();
            out().println("actions:");
            for (OcfAction a : md.actions()) {
                out().printf("  %-14s%s%s%s%s%n", a.name(), a.timeout().map(d -> " timeout " + Durations.format(d)).orElse(""),
                        a.interval().filter(d -> !d.isZero()).map(d -> " interval " + Durations.format(d)).orElse(""),
                        a.depth().filter(d -> d > 0).map(d -> " depth " + d).orElse(""),
                        a.role().map(x -> " role " + x).orElse(""));
            }
            out().println();
            out().println("use it as:  type: " + type + "   params: { NAME: VALUE, ... }");
            return 0;
        }
    }

    @Command(name = "test", description = {"Run an agent through a conformance sequence (meta-data, validate-all, monitor when "
            + "stopped, start, monitor, start again, stop, stop again, monitor) and report each step.",
        "It really starts and stops the resource on this host: test with the parameters you will use, where that is safe."},
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:every step passed", "1:a step failed (the report names it and why)", "2:the command line is wrong"})
    static final class Test extends Base {
        @Parameters(index = "0", paramLabel = "AGENT", description = "ocf:PROVIDER:TYPE, PROVIDER:TYPE, TYPE, or lsb:NAME")
        String agent;

        @Parameters(index = "1..*", paramLabel = "NAME=VALUE", description = "agent parameters (OCF_RESKEY_NAME)")
        List<String> params = new ArrayList<>();

        @Option(names = "--instance", defaultValue = "haven-test", paramLabel = "NAME",
                description = "resource instance name (OCF_RESOURCE_INSTANCE; default: ${DEFAULT-VALUE})")
        String instance;

        @Option(names = "--timeout", paramLabel = "DURATION",
                description = "timeout of every action (default: what meta-data advises, else 20s)")
        String timeout;

        @Option(names = "--netns", paramLabel = "NAME", description = "run the agent inside this network namespace")
        String netns;

        @Option(names = "--verbose", description = "print everything the agent says (else only its last words on a failed step)")
        boolean verbose;

        /** Held so that the level set on it stays (JUL keeps loggers weakly). */
        private static final java.util.logging.Logger AGENT_OUTPUT =
                java.util.logging.Logger.getLogger(haven.executor.agents.ScriptCall.class.getName());

        @Override
        int act() {
            // In the daemon every line an agent prints goes to the log; here the report says what matters.
            if (!verbose) AGENT_OUTPUT.setLevel(java.util.logging.Level.WARNING);
            ConformanceReport report = run();
            out().print(report.render());
            return report.passed() ? 0 : 1;
        }

        ConformanceReport run() {
            Object what = resolve(agent);
            List<String> prefix = netns == null ? List.of() : List.of("ip", "netns", "exec", netns);
            Target target;
            if (what instanceof OcfType type) {
                target = new OcfTarget(root(), type, instance, parse(params), prefix);
            } else {
                if (!params.isEmpty()) throw new IllegalArgumentException("an init script takes no parameters; remove " + params);
                target = new LsbTarget(initDir, (String) what, instance, prefix);
            }
            return new AgentConformance(target, Optional.ofNullable(timeout).map(Durations::parse)).run();
        }

        static Map<String, String> parse(List<String> words) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String w : words) {
                int eq = w.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("'" + w + "' is not NAME=VALUE, e.g. ip=10.0.0.50");
                out.put(w.substring(0, eq), w.substring(eq + 1));
            }
            return out;
        }
    }
}
