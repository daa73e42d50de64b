/**
 * A small client for applications on a haven cluster: ordered messages, barriers and the quorum query,
 * over a node's HTTP API. It depends only on the JDK's HttpClient and Jackson, never on the daemon's
 * classes, so an application can take it alone. See docs/api.md, "Cluster services for applications".
 */
package haven.client;
