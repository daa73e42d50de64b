package haven.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/design.md, checked on the compiled product: arrows only point down, and no two
 * top-level packages depend on each other. The same checks must fail on planted fixtures, so that a
 * rule that stopped matching anything cannot pass unnoticed.
 */
class LayeringTest {
    /** Bottom to top; see docs/design.md ("Layers"). */
    static final Layers HAVEN = new Layers("haven")
            .layer("core")                                   // ids, values, clocks, small file helpers
            .layer("config")                                 // the model, parsing and the rules that need no agent
            .layer("cib")                                    // the replicated cluster state and its commands
            .layer("scheduler")                              // pure placement
            .layer("node")                                   // pure node logic: quorum, lease, local control, coordinator duties
            .layer("process")                                // process groups and runs, for every edge that starts programs
            .layer("replication")                            // the replicated directory: its layer, stream and replicas
            .layer("executor", "fencing", "ping", "membership")  // edges
            .layer("guard", "services", "validation", "pacemaker") // force-off over executor steps; haven add; checks that ask agents; CIB import
            .layer("events", "timeline")
            .beside("timeline", "events")
            .layer("api")
            .layer("daemon")                                 // wiring, threads, the event loop
            .layer("client")
            .layer("sim", "lab")
            .layer("cts")
            .layer("cli");

    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("haven");

    @Test
    void everyPackageIsInALayer() {
        File[] dirs = new File("src/main/java/haven").listFiles(File::isDirectory);
        List<String> packages = Arrays.stream(dirs).map(File::getName).sorted().toList();
        assertThat(HAVEN.packages()).as("add a new package to a layer here and in docs/design.md")
                .containsAll(packages);
    }

    @Test
    void dependenciesPointOnlyDown() {
        assertThat(HAVEN.violations(PRODUCT)).isEmpty();
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        assertThat(HAVEN.cycles(PRODUCT)).isEmpty();
    }

    @Test
    void noSourceNamesAClassAboveItAsAString() throws java.io.IOException {
        java.nio.file.Path src = java.nio.file.Path.of("src/main/java/haven");
        List<String> found = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.walk(src)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String pkg = src.relativize(file).getName(0).toString();
                for (String name : HAVEN.namedAbove(pkg, java.nio.file.Files.readString(file))) found.add(file + ": " + name);
            }
        }
        assertThat(found).as("start a class of a package below by its Class object (DaemonMain.class.getName()), not by a string")
                .isEmpty();
    }

    @Test
    void aPlantedStringNameOfAClassAboveIsCaught() {
        String source = "cmd = java(\"haven.cli.Main\", args); prop = \"haven.run.dir\"; low = \"haven.core.NodeId\";";
        assertThat(HAVEN.namedAbove("lab", source)).containsExactly("haven.cli.Main");
        assertThat(HAVEN.namedAbove("cli", source)).isEmpty();
    }

    @Test
    void aPlantedUpwardImportIsCaught() {
        JavaClasses planted = new ClassFileImporter().importPackages("haven.archfixture.upward");
        Layers layers = new Layers("haven.archfixture.upward").layer("low").layer("high");
        assertThat(layers.violations(planted)).singleElement().asString()
                .contains("haven.archfixture.upward.low.Low").contains("haven.archfixture.upward.high.High");
        assertThat(new Layers("haven.archfixture.upward").layer("high").layer("low").violations(planted)).isEmpty();
    }

    @Test
    void aPlantedCycleIsCaught() {
        JavaClasses planted = new ClassFileImporter().importPackages("haven.archfixture.cycle");
        Layers layers = new Layers("haven.archfixture.cycle").layer("left", "right")
                .beside("left", "right").beside("right", "left");
        assertThat(layers.violations(planted)).isEmpty();
        assertThat(layers.cycles(planted)).isNotEmpty();
        assertThat(String.join("\n", layers.cycles(planted))).contains("left").contains("right");
    }
}
