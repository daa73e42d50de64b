package haven.core;

public enum Operation {
    START, STOP, MONITOR,
    /** Apply changed parameters to a running resource without stopping it (OCF {@code reload-agent} or {@code reload}). */
    RELOAD
}
