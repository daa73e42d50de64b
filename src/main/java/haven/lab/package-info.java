/**
 * The lab: real haven nodes in network namespaces on one machine, faults, and measurements of what a client
 * sees. Design note.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link haven.lab.LabLayout}: every name and address from (prefix, node count); nothing else is needed
 *       to find a lab again from another process.
 *   <li>{@link haven.lab.LabNetwork}: namespaces P-n1..P-nN and P-client, veth pairs to a private bridge P-br
 *       (no address, no uplink, STP off, forward delay 0, no snooping, no bridge netfilter). No namespace has
 *       a default route, so lab traffic cannot leave the bridge.
 *   <li>{@link haven.lab.LabState}: /run/haven-lab/P (or /tmp): config, nginx sites, daemon state dirs, logs,
 *       PID files with start times (a recycled PID is never signalled).
 *   <li>{@link haven.lab.LabCluster}: the daemons, started detached ({@link haven.lab.Detached}) and checked
 *       through each node's /ha/status with curl inside its namespace ({@link haven.lab.HaStatus}).
 *   <li>{@link haven.lab.Faults}: kill (port off the bridge first so no goodbye escapes, SIGKILL every process
 *       in the namespace, link down, VIP forgotten), isolate, heal, pause, resume, kill-service, kill-daemon.
 *   <li>Measurement: {@link haven.lab.Prober} (a small JVM in the client namespace, one GET every 10 ms on a
 *       fresh connection, each in its own virtual thread so a hung request does not delay the next),
 *       {@link haven.lab.VipWatch} (`ip -ts monitor address` per node namespace, split brain from the merged
 *       timeline), {@link haven.lab.RssSampler}; {@link haven.lab.FailoverBench} ties them together.
 * </ul>
 *
 * <h2>Measuring an outage</h2>
 * All times are System.nanoTime, which on Linux is CLOCK_MONOTONIC and therefore the same clock in every
 * process on the host. A fault's instant is taken right after its disruptive step (the port leaves the bridge,
 * the SIGKILL is sent). The outage is from that instant to the end of the first successful request that was
 * sent after it; requests in flight at the fault count as before it. Resolution is the probe interval (10 ms).
 *
 * <h2>Cleanup</h2>
 * `down` kills recorded daemons (SIGTERM, SIGKILL after 2 s), then every process `ip netns pids` lists in the
 * lab's namespaces (agents' children such as nginx), then deletes namespaces, ports, bridge and folder. It
 * discovers the pieces by name, so it works after a half-failed `up`, twice, or from another process. `up`,
 * `bench` and `demo` run it on failure and from a shutdown hook (SIGINT, SIGTERM).
 */
package haven.lab;
