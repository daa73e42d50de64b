package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The haven CLI run inside a lab node's namespace, as an operator on that machine would, and where an address is. */
final class LabCli {
    private LabCli() {}

    static Exec.Result run(LabLayout layout, int node, String... args) {
        List<String> cmd = HavenRuntime.current().javaCommand(HavenRuntime.proberOptions(), "haven.cli.Main", List.of(args));
        return Exec.run(Duration.ofSeconds(60), Netns.execIn(layout.nodeNamespace(node), cmd.toArray(String[]::new)));
    }

    /** {@link #run}, which must succeed; its output. */
    static String ok(LabLayout layout, int node, String... args) {
        Exec.Result r = run(layout, node, args);
        assertThat(r.code()).as("haven %s: %s %s", String.join(" ", args), r.out(), r.err()).isZero();
        return r.out();
    }

    /** The nodes whose namespace holds {@code address}. */
    static List<Integer> holders(LabLayout layout, String address) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= layout.nodes(); i++) {
            if (Netns.ipv4Addresses(layout.nodeNamespace(i)).contains(address)) out.add(i);
        }
        return out;
    }
}
