package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One lab for a whole lab test class, as every such class had it by hand: whatever a run killed midway left
 * under the prefix goes first, the lab comes up before the first test, and after the last it is taken down
 * with nothing of it left (namespaces, links, its /etc folders). Register it as a static field with
 * {@code @RegisterExtension}; it is up before the class's own {@code @BeforeAll} methods run and down after
 * its {@code @AfterAll} methods.
 */
public final class SharedLab implements BeforeAllCallback, AfterAllCallback {
    /** A system property that replaces every test lab's prefix, so a run never meets another run's lab of the same test. */
    public static final String PREFIX_PROPERTY = "haven.lab.prefix";

    private final LabLayout layout;
    private Consumer<LabState> beforeStart = state -> { };
    private boolean settle;
    private Lab lab;

    public SharedLab(LabLayout layout) {
        this.layout = layout;
    }

    /** {@code name}, unless -Dhaven.lab.prefix=OTHER names the labs of this run. */
    public static String prefix(String name) {
        String other = System.getProperty(PREFIX_PROPERTY, "").strip();
        return other.isEmpty() ? name : other;
    }

    /** Runs {@code step} on the lab's files after they are written and before the daemons start. */
    public SharedLab beforeStart(Consumer<LabState> step) {
        this.beforeStart = step;
        return this;
    }

    /** Waits, once up, until every node reports the same settled state (its warnings printed). */
    public SharedLab settled() {
        this.settle = true;
        return this;
    }

    public Lab get() {
        if (lab == null) throw new IllegalStateException("the lab " + layout.prefix() + " is not up (register SharedLab with @RegisterExtension)");
        return lab;
    }

    public LabLayout layout() {
        return get().layout();
    }

    public LabCluster cluster() {
        return get().cluster();
    }

    public LabNetwork network() {
        return get().network();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Lab.down(layout.prefix()); // a previous run killed midway
        lab = Lab.up(layout, Lab.UP_TIMEOUT, line -> { }, beforeStart);
        if (settle) {
            lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(1)).forEach(w -> System.err.println("lab warning: " + w));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String prefix = layout.prefix();
        Lab.down(prefix);
        lab = null;
        assertThat(LabNetwork.anyPartExists(prefix)).isFalse();
        assertThat(Path.of("/etc/haven-lab-" + prefix)).doesNotExist();
        assertThat(Path.of("/etc/netns/" + prefix + "-n1")).doesNotExist();
    }
}
