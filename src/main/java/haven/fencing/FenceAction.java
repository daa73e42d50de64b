package haven.fencing;

import java.util.Arrays;
import java.util.Locale;

/** The actions of the fence-agents protocol that haven uses, with the word each one has on the wire. */
public enum FenceAction {
    ON("on"),
    OFF("off"),
    REBOOT("reboot"),
    /** Exit 0 means powered on, 2 powered off, anything else that the agent could not tell. */
    STATUS("status"),
    /** Is the device itself reachable and working (not any one plug). */
    MONITOR("monitor"),
    /** Prints one {@code plug,alias} line per outlet the device knows. */
    LIST("list"),
    /** Prints the agent's description in XML: parameters and actions. */
    METADATA("metadata");

    private final String wire;

    FenceAction(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Actions that act on one plug, so the agent needs to be told which. */
    public boolean needsPlug() {
        return this == ON || this == OFF || this == REBOOT || this == STATUS;
    }

    /** Actions that take power away from a target: the ones a fence delay applies to. */
    public boolean cutsPower() {
        return this == OFF || this == REBOOT;
    }

    public static FenceAction parse(String word) {
        String w = word.strip().toLowerCase(Locale.ROOT);
        for (FenceAction a : values()) {
            if (a.wire.equals(w)) return a;
        }
        throw new IllegalArgumentException("unknown fence action '" + word + "'; use one of "
                + String.join(", ", Arrays.stream(values()).map(FenceAction::wire).toList()));
    }

    @Override
    public String toString() {
        return wire;
    }
}
