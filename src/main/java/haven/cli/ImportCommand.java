package haven.cli;

import haven.config.ClusterConfig;
import haven.config.ConfigException;
import haven.config.ConfigLoader;
import haven.core.NodeId;
import haven.pacemaker.CibImport;
import haven.pacemaker.ImportException;
import haven.scheduler.ColdStart;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `haven import pacemaker CIB` writes a Pacemaker cluster's CIB as a haven config; `haven simulate --pacemaker CIB`
 * shows where haven would place its resources. Exit codes: 0 done, 1 refused (the CIB cannot be imported, or the
 * result does not pass `haven config check`), 2 unreadable file.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Import another cluster manager's configuration.",
        subcommands = {ImportCommand.Pacemaker.class})
public final class ImportCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "say what to import: haven import pacemaker CIB.xml");
    }

    @Command(name = "pacemaker", mixinStandardHelpOptions = true, description = {
            "Write a Pacemaker CIB (`cibadmin --query > cib.xml`) as a haven config: nodes, resources, groups, clones,",
            "promotable clones, location/colocation/order constraints, utilization, cluster options. What has no",
            "counterpart is listed on stderr; the result is checked as `haven config check` would."})
    static final class Pacemaker implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "CIB", description = "the CIB's XML") Path cib;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the config here (default: standard output)") Path output;
        @Option(names = "--address", paramLabel = "NODE=IP", description = "a node's cluster address (the CIB has none); repeat per node")
        Map<String, String> addresses = new LinkedHashMap<>();

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Imported imported;
            try {
                imported = ImportCommand.read(cib, addresses, err);
            } catch (Refused r) {
                return r.code;
            }
            for (String w : imported.result().warnings()) err.println("haven import pacemaker: not carried over: " + w);
            if (output == null) {
                spec.commandLine().getOut().print(imported.result().yaml());
                spec.commandLine().getOut().flush();
                return 0;
            }
            try {
                haven.core.AtomicFile.replace(output, imported.result().yaml());
            } catch (IOException e) {
                err.println("haven import pacemaker: cannot write " + output + ": " + e.getMessage());
                return 2;
            }
            err.println("haven import pacemaker: wrote " + output + " (" + imported.config().groups().size() + " groups, "
                    + imported.config().resources().size() + " resources); check it, then copy it to every node");
            return 0;
        }
    }

    /** A CIB read and checked. */
    record Imported(CibImport.Result result, ClusterConfig config) {}

    /** The reason was printed; {@code code} is the exit code. */
    static final class Refused extends Exception {
        final int code;

        Refused(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    static Imported read(Path cib, Map<String, String> addresses, PrintWriter err) throws Refused {
        String xml;
        try {
            xml = Files.readString(cib);
        } catch (IOException e) {
            err.println("haven: cannot read " + cib + ": " + e.getMessage());
            throw new Refused(2);
        }
        try {
            CibImport.Result r = CibImport.convert(xml, addresses);
            ClusterConfig config = ConfigLoader.parse(r.yaml(), cib + " (imported)");
            return new Imported(r, config);
        } catch (ImportException e) {
            err.println("haven: " + cib + ": " + e.getMessage());
        } catch (ConfigException e) {
            err.println("haven: " + cib + " imports as a config that does not pass the check (a bug of the import, or a CIB feature"
                    + " it does not know; please report it):\n" + e.getMessage());
        }
        throw new Refused(1);
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true, description = {
            "Where haven would place a Pacemaker cluster's resources: the CIB imported, then played from nothing running",
            "with every node online (those in standby in the CIB running nothing), one line per group."})
    static final class Simulate implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--pacemaker", paramLabel = "CIB", required = true, description = "the CIB's XML") Path cib;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Imported imported;
            try {
                imported = read(cib, Map.of(), err);
            } catch (Refused r) {
                return r.code;
            }
            for (String w : imported.result().warnings()) err.println("haven simulate: not carried over: " + w);
            TreeSet<NodeId> online = new TreeSet<>(imported.config().serviceNodeIds());
            TreeSet<NodeId> standby = new TreeSet<>(imported.result().standby().stream().map(NodeId::of).toList());
            TreeSet<haven.core.GroupId> disabled = new TreeSet<>(imported.result().disabled().stream().map(haven.core.GroupId::of).toList());
            ColdStart.Outcome o = ColdStart.settle(imported.config(), online, standby, disabled, System.currentTimeMillis());
            spec.commandLine().getOut().print(o.text(imported.config()));
            spec.commandLine().getOut().flush();
            return o.settled() ? 0 : 1;
        }
    }
}
