/**
 * The executor box: runs start, stop and monitor of this node's resources through agents, with timeouts,
 * and reports OCF-style results.
 *
 * <p>Design notes.
 * <ul>
 *   <li>{@link haven.executor.Executor} serializes operations per resource ({@code Lane}) and runs
 *       resources in parallel on virtual threads. It enforces every timeout itself (plus a short slack
 *       for the agent's own cleanup) and never lets an abandoned call overlap the next operation.
 *   <li>Every command runs in a process group of its own ({@link haven.process.ProcessGroup},
 *       through util-linux setsid), so that a timeout or a stop ends children and grandchildren too:
 *       SIGTERM to the group, SIGKILL after a grace, then a check in /proc that no member is left.
 *   <li>Agents ({@code agents/}) check their parameters when created ({@link haven.executor.AgentFactory}),
 *       so bad configuration is refused before anything runs. The process agent notices an exit the
 *       moment it happens (Process.onExit) and reports it through
 *       {@link haven.executor.ResourceAgent#onUnexpectedFailure}, instead of waiting for the next monitor.
 * </ul>
 */
package haven.executor;
