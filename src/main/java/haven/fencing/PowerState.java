package haven.fencing;

/** What a {@code status} action said about a plug. */
public enum PowerState {
    ON, OFF,
    /** The agent failed or timed out: nothing may be concluded about the target. */
    UNKNOWN;

    /** The protocol's status exit codes: 0 on, 2 off. */
    static PowerState fromStatusExit(int exitCode) {
        return switch (exitCode) {
            case 0 -> ON;
            case 2 -> OFF;
            default -> UNKNOWN;
        };
    }
}
