package haven.executor.agents.conformance;

import haven.process.ProcessRunner;
import java.time.Duration;
import java.util.Optional;

/** An agent under test, called action by action with raw exit codes (no mapping in between). */
public interface Target {
    /** As the config writes it: ocf:heartbeat:Dummy, lsb:nginx. */
    String name();

    /** Why it cannot be tested here (not installed), or empty. */
    Optional<String> missing();

    /** Whether the agent describes itself with meta-data (OCF yes, LSB no). */
    boolean hasMetadata();

    ProcessRunner.Result call(String action, Duration timeout);

    /** The action that reports state: monitor (OCF) or status (LSB). */
    String monitorAction();

    /** The exit code of that action for a cleanly stopped resource: 7 (OCF), 3 (LSB). */
    int notRunningCode();

    String describeExit(String action, int code);
}
