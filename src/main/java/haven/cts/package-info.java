/**
 * The Cluster Test System on the namespace lab: a seeded random sequence of test steps (faults, whole-cluster
 * stops and starts, admin actions) against real daemons, each followed by audits made from outside the
 * daemons (addresses and processes in each namespace, the client's view of the service) and by a comparison
 * of every node's copy of the cluster state. The step ideas follow the old Linux-HA / Pacemaker CTS by their
 * behaviour; the code is this project's own.
 */
package haven.cts;
