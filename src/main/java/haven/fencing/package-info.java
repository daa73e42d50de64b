/**
 * Fencing: making sure a lost node runs nothing before its services start elsewhere, by powering it off
 * through a fence device.
 *
 * <p>Devices are driven by fence agents speaking the ClusterLabs fence-agents protocol (arguments as
 * {@code key=value} lines on standard input), so the agents packaged by Linux distributions work unchanged.
 * {@link haven.fencing.FenceAgentRunner} runs one agent action; {@link haven.fencing.MetadataParser} and
 * {@link haven.fencing.ParameterCheck} read and check what an agent accepts; {@link haven.fencing.Fencer}
 * walks a target's {@link haven.config.fence.FencingTopology levels} and records every attempt.
 *
 * <p>The configuration records ({@link haven.config.fence.FenceDevice}, {@link haven.config.fence.FenceLevel},
 * {@link haven.config.fence.FencingTopology}) validate themselves and know nothing of the YAML layer.
 */
package haven.fencing;
