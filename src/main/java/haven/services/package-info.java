/**
 * Ready-made services for `haven add`: one class per kind of server turns a few answers (name, virtual
 * address, config and data paths, preferred node) into a group of a virtual IP and the server, run by the
 * unmodified ClusterLabs OCF agent made for it. Pure: no I/O besides looking for installed binaries.
 */
package haven.services;
