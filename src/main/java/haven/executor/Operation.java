package haven.executor;

public enum Operation {
    START, STOP, MONITOR
}
