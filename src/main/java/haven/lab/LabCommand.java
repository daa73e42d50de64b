package haven.lab;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `haven lab ...`: a cluster of real haven nodes in network namespaces on this machine, faults, benchmarks. */
@Command(name = "lab", description = "Test cluster in network namespaces on this machine (needs root).",
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Fault.class, LabCommand.Status.class,
            LabCommand.Bench.class})
public final class LabCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs a lab action; a LabException becomes one clear line on stderr and exit code 1. */
    abstract static class LabAction implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--prefix", defaultValue = LabLayout.DEFAULT_PREFIX,
                description = "names the lab's namespaces and links (default: ${DEFAULT-VALUE})")
        String prefix;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        void say(String line) {
            spec.commandLine().getErr().println("lab: " + line);
            spec.commandLine().getErr().flush();
        }

        @Override
        public final Integer call() {
            try {
                return act();
            } catch (LabException e) {
                spec.commandLine().getErr().println("haven " + spec.qualifiedName(" ").replaceFirst("^haven ", "")
                        + ": " + e.getMessage());
                return 1;
            } finally {
                out().flush();
                spec.commandLine().getErr().flush();
            }
        }

        abstract int act();

        /**
         * Brings up a lab of the bench's own, runs {@code bench} on it and removes the lab afterwards (also on
         * Ctrl-C), unless {@code keep}.
         */
        int onOwnLab(int nodes, boolean witness, boolean keep, java.util.function.ToIntFunction<Lab> bench) {
            return onOwnLab(LabLayout.of(prefix, nodes, witness), keep, bench);
        }

        int onOwnLab(LabLayout layout, boolean keep, java.util.function.ToIntFunction<Lab> bench) {
            return onOwnLab(layout, keep, state -> { }, bench);
        }

        /** The same, with {@code beforeStart} adding the bench's own groups to the lab's config (see Lab#up). */
        int onOwnLab(LabLayout layout, boolean keep, java.util.function.Consumer<LabState> beforeStart,
                java.util.function.ToIntFunction<Lab> bench) {
            Thread cleanup = new Thread(() -> Lab.down(prefix), "bench-cleanup");
            if (!keep) {
                Runtime.getRuntime().addShutdownHook(cleanup);
            }
            try {
                return bench.applyAsInt(Lab.up(layout, Lab.upTimeout(layout), this::say, beforeStart));
            } finally {
                if (!keep) {
                    Lab.down(prefix);
                    try {
                        Runtime.getRuntime().removeShutdownHook(cleanup);
                    } catch (IllegalStateException e) {
                        // shutting down already; the hook runs and down is idempotent
                    }
                }
            }
        }
    }

    @Command(name = "up", description = "Create namespaces, bridge and config, start one haven node per namespace,"
            + " wait until the service answers at the VIP; prints the VIP.")
    static final class Up extends LabAction {
        @Option(names = "--nodes", defaultValue = "3", description = "number of service nodes, 1..16 (default: ${DEFAULT-VALUE})")
        int nodes;

        @Option(names = "--witness", description = "add a witness (votes, runs nothing) as one more lab host")
        boolean witness;

        @Option(names = "--fencing", description = "configure the lab fence device: lost nodes that may run something are powered off")
        boolean fencing;

        @Option(names = "--ping", description = "make the client host the cluster's ping node (groups leave a node that cannot reach it)")
        boolean ping;

        @Option(names = "--freeze", description = "no_quorum_policy freeze (needs --fencing): a cut-off node keeps its services until fenced")
        boolean freeze;

        @Option(names = "--ocf", description = "build the web group from unmodified ClusterLabs agents "
                + "(ocf:heartbeat:IPaddr2 and ocf:heartbeat:nginx) instead of ipaddr and process")
        boolean ocf;

        @Option(names = "--replication-net", description = "give the nodes a second network for replicated data (a bridge of its"
                + " own, eth1 on 10.232.X.0/24) and each node its replication_address there")
        boolean replicationNet;

        @Option(names = "--files", paramLabel = "MODE", description = "add the group 'files': a replicated directory (sync or"
                + " async) on every node's own disk, its address (.102) and an upload service on port 8080 (PUT/GET /NAME)")
        String files;

        @Option(names = "--postgres", paramLabel = "MODE", description = "add the group 'db': the built-in replicated PostgreSQL"
                + " (sync or async) on every node's own disk, and its address (.103), open to the client without a password")
        String postgres;

        @Override
        int act() {
            for (String[] mode : new String[][] {{"--files", files}, {"--postgres", postgres}}) {
                if (mode[1] != null && !mode[1].equals("sync") && !mode[1].equals("async")) {
                    throw new LabException(mode[0] + " takes sync or async, not " + mode[1]);
                }
            }
            LabLayout layout = LabLayout.of(prefix, nodes, witness);
            if (replicationNet) layout = layout.withReplicationNet();
            if (fencing) layout = layout.withFencing();
            if (ping) layout = layout.withPing();
            if (freeze) layout = layout.withFreeze();
            if (ocf) layout = layout.withOcfAgents();
            LabLayout chosen = layout;
            Lab lab = Lab.up(layout, Lab.upTimeout(layout), this::say, state -> {
                if (files != null) ReplicatedFiles.addTo(state, chosen, files);
                if (postgres != null) ReplicatedPostgres.addTo(state, chosen, postgres);
            });
            out().println(lab.layout().vip());
            if (files != null) {
                say("files: curl -X PUT --data-binary @FILE http://" + ReplicatedFiles.vip(layout) + ":" + ReplicatedFiles.PORT
                        + "/NAME from " + layout.clientNamespace() + "; each node's copy is in " + LabState.find(prefix)
                        .map(st -> st.dir().resolve("disks").toString()).orElse("disks/") + "/NODE/uploads");
            }
            if (postgres != null) {
                say("db: psql -h " + ReplicatedPostgres.vip(layout) + " -U postgres from " + layout.clientNamespace());
            }
            return 0;
        }
    }

    @Command(name = "down", description = "Kill the lab's processes and remove its namespaces, bridge and folder"
            + " (idempotent).")
    static final class Down extends LabAction {
        @Override
        int act() {
            new LabLayout(prefix, 1); // validates the prefix before anything is touched
            Lab.down(prefix);
            say("lab '" + prefix + "' removed");
            return 0;
        }
    }

    @Command(name = "fault", description = "Inject a fault on one node: kill (power loss), isolate, heal, pause,"
            + " resume, kill-service, kill-daemon (SIGKILL to the daemon alone), lose-uplink (the node can no longer reach"
            + " the client host, the lab's ping node), flap (its link down and up every 300 ms for 10 s).")
    static final class Fault extends LabAction {
        @Parameters(index = "0", paramLabel = "FAULT", description = "kill|isolate|heal|pause|resume|kill-service|kill-daemon|lose-uplink|flap")
        String fault;

        @Parameters(index = "1", paramLabel = "NODE", description = "node name, e.g. n1")
        String node;

        @Override
        int act() {
            Lab lab = Lab.open(prefix);
            Faults.Kind kind = kind(fault);
            out().println(new Faults(lab).inject(kind, lab.layout().indexOf(node)).description());
            return 0;
        }
    }

    static Faults.Kind kind(String name) {
        try {
            return Faults.Kind.valueOf(name.toUpperCase().replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new LabException("unknown fault '" + name + "'; use kill, isolate, heal, pause, resume, kill-service, kill-daemon, lose-uplink or flap");
        }
    }

    @Command(name = "status", description = "Per node: daemon alive, VIP held, and its /ha/status summary.")
    static final class Status extends LabAction {
        @Override
        int act() {
            LabStatusReport.lines(Lab.open(prefix)).forEach(out()::println);
            return 0;
        }
    }

    @Command(name = "bench", description = "Benchmarks on a lab of their own.", subcommands = {Failover.class, Idle.class, Replication.class})
    static final class Bench implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "failover", description = "Repeatedly fault the VIP holder and measure the outage a client sees.")
    static final class Failover extends LabAction {
        @Option(names = "--nodes", defaultValue = "3", description = "number of nodes (default: ${DEFAULT-VALUE})")
        int nodes;

        @Option(names = "--witness", description = "add a witness (votes, runs nothing) as one more lab host")
        boolean witness;

        @Option(names = "--trials", defaultValue = "10", description = "number of trials (default: ${DEFAULT-VALUE})")
        int trials;

        @Option(names = "--fencing", description = "configure the lab fence device (with --nodes 2 and no witness: two_node mode)")
        boolean fencing;

        @Option(names = "--ping", description = "make the client host the cluster's ping node")
        boolean ping;

        @Option(names = "--fault", defaultValue = "kill", description = "kill, isolate, kill-service, kill-daemon or pause (default: ${DEFAULT-VALUE})")
        String fault;

        @Option(names = "--json", description = "print one JSON object instead of text")
        boolean json;

        @Option(names = "--keep", description = "leave the lab running afterwards")
        boolean keep;

        @Override
        int act() {
            Faults.Kind kind = kind(fault);
            if (kind == Faults.Kind.HEAL || kind == Faults.Kind.RESUME || kind == Faults.Kind.FLAP || kind == Faults.Kind.LOSE_UPLINK) {
                throw new LabException("bench failover measures kill, isolate, kill-service, kill-daemon or pause, not " + fault);
            }
            if (trials < 1) {
                throw new LabException("--trials must be at least 1");
            }
            LabLayout layout = LabLayout.of(prefix, nodes, witness);
            if (fencing) layout = layout.withFencing();
            if (ping) layout = layout.withPing();
            return onOwnLab(layout, keep, lab -> {
                BenchReport report = new FailoverBench(lab, kind, line -> {
                    if (json) {
                        say(line);
                    } else {
                        out().println(line);
                        out().flush();
                    }
                }).run(trials);
                if (json) {
                    report.failures().forEach(f -> say("failed: " + f));
                    out().println(report.json());
                } else {
                    report.failures().forEach(f -> out().println("failed: " + f));
                    out().println(report.summary());
                }
                return report.failures().isEmpty() ? 0 : 1;
            });
        }
    }

    @Command(name = "idle", description = "Leave a healthy lab alone (optionally with one core kept busy) and count"
            + " membership, coordinator and placement changes: there should be none.")
    static final class Idle extends LabAction {
        @Option(names = "--nodes", defaultValue = "3", description = "number of nodes (default: ${DEFAULT-VALUE})")
        int nodes;

        @Option(names = "--minutes", defaultValue = "10", description = "how long (default: ${DEFAULT-VALUE})")
        int minutes;

        @Option(names = "--cpu-hog", description = "keep one core busy with a spinning shell meanwhile")
        boolean cpuHog;

        @Option(names = "--json", description = "print one JSON object instead of text")
        boolean json;

        @Override
        int act() {
            if (minutes < 1) {
                throw new LabException("--minutes must be at least 1");
            }
            return onOwnLab(nodes, false, false, lab -> {
                IdleBench.Report r;
                try {
                    r = new IdleBench(lab, this::say).run(java.time.Duration.ofMinutes(minutes), cpuHog);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LabException("interrupted");
                }
                out().println(json ? r.json() : r.json().replace(",\"", ", \""));
                return r.quiet() ? 0 : 1;
            });
        }
    }

    @Command(name = "replication", description = "Measure the replicated directory: synced 4 KB writes against a plain"
            + " directory, the replicas' confirmation delay, and uploads through its address while the primary is powered off.")
    static final class Replication extends LabAction {
        @Option(names = "--mode", defaultValue = "sync", description = "sync or async (default: ${DEFAULT-VALUE})")
        String mode;

        @Option(names = "--failovers", defaultValue = "5", description = "power losses of the primary (default: ${DEFAULT-VALUE})")
        int failovers;

        @Option(names = "--json", description = "print one JSON object instead of text")
        boolean json;

        @Option(names = "--keep", description = "leave the lab running afterwards")
        boolean keep;

        @Override
        int act() {
            if (!mode.equals("sync") && !mode.equals("async")) throw new LabException("--mode must be sync or async, not " + mode);
            if (failovers < 0) throw new LabException("--failovers must be 0 or more");
            LabLayout layout = LabLayout.of(prefix, 3, false).withReplicationNet();
            return onOwnLab(layout, keep, s -> ReplicatedFiles.addTo(s, layout, mode), lab -> {
                ReplicationBench.Report r;
                try {
                    r = new ReplicationBench(lab, mode, line -> {
                        if (json) say(line);
                        else out().println(line);
                        out().flush();
                    }).run(failovers);
                } catch (java.io.IOException e) {
                    throw new LabException("bench replication: " + e.getMessage());
                }
                r.failures().forEach(f -> say("failed: " + f));
                out().println(json ? r.json() : r.json().replace(",\"", ", \""));
                return r.failures().isEmpty() ? 0 : 1;
            });
        }
    }
}
