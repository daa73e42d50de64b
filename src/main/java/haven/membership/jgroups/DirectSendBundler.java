package haven.membership.jgroups;

import org.jgroups.Message;
import org.jgroups.protocols.PerDestinationBundler;
import org.jgroups.protocols.TP;
import org.jgroups.util.ByteArrayDataOutputStream;

/**
 * JGroups' per-destination bundler, except that a message flagged {@code DONT_BUNDLE} is written and sent on
 * the caller's thread, as JGroups 4 did: 5.4.11 ignores the flag on send and queues every message for the
 * destination's bundler thread. haven's beats, when they go through JGroups (to a daemon from before
 * {@link BeatLane}), carry the flag: each cost a hand-off to that thread (a wake-up, a park) for bundling that
 * never happens, a beat being sent alone anyway. The other users of the flag in the stack (discovery requests,
 * credit requests of the flow control) are small, rare, and just as well sent at once. Everything else (Raft's
 * appends, views, retransmissions) is still bundled.
 *
 * <p>Sending on the caller's thread is safe here: the transport is UDP, whose send does not wait for the peer
 * (a dead or cut-off peer costs a dropped datagram), and each send writes into a buffer of its own.
 */
public class DirectSendBundler extends PerDestinationBundler {
    @Override
    public void send(Message msg) throws Exception {
        if (!msg.isFlagSet(Message.Flag.DONT_BUNDLE)) {
            super.send(msg);
            return;
        }
        if (msg.getSrc() == null) msg.setSrc(local_addr);
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(msg.size() + TP.MSG_OVERHEAD);
        sendSingle(msg.dest(), msg, out);
        total_msgs_sent.increment();
    }
}
