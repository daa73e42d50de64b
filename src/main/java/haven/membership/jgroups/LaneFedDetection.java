package haven.membership.jgroups;

import java.util.HashMap;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.util.NameCache;

/**
 * FD_ALL3 (same timeout, interval and suspicion rules) that counts haven's beats, which travel on
 * {@link BeatLane} and never pass through the stack, and that runs on the beat's own tick instead of two timer
 * tasks of its own: the beat thread wakes every interval anyway, and each wake of a thread costs an idle node
 * more than the work it does (docs/design.md, "The beat lane").
 *
 * <p>A beat sent on the lane counts as this node's heartbeat, as a multicast through the stack does for
 * FD_ALL3, so FD's own heartbeat goes out only in an interval without a beat (before the first view, say).
 * The lane names its sender by node name; FD keys members by JGroups address, so the view keeps the map.
 */
public class LaneFedDetection extends FD_ALL3 {
    private volatile Map<String, Address> membersByName = Map.of();
    private volatile boolean checking;
    private Runnable timeoutChecker;

    /** FD_ALL3's protocol id: its heartbeat header goes on the wire under it, read alike by daemons that run FD_ALL3. */
    public LaneFedDetection() {
        setId(ClassConfigurator.getProtocolId(FD_ALL3.class));
    }

    /** A beat from {@code node} arrived on the lane: it is alive, as if its heartbeat had come up the stack. */
    void heard(String node) {
        Address member = membersByName.get(node);
        if (member == null) return;
        update(member, false, false);
        if (has_suspected_mbrs) unsuspect(member);
    }

    /** The view's member of that name, or null. */
    Address member(String node) {
        return membersByName.get(node);
    }

    /** This node's beat just went out on the lane to every member. */
    void beatSent() {
        mcast_sent.set(true);
    }

    /**
     * One interval passed (the beat thread calls this right after sending its beat): FD's heartbeat if no beat
     * went out since the last tick, then the check for silent members. Nothing while this node is alone.
     */
    void tick() {
        if (!checking) return;
        if (!mcast_sent.compareAndSet(true, false)) {
            Message heartbeat = new EmptyMessage().setFlag(Message.TransientFlag.DONT_LOOPBACK).putHeader(id, new HeartbeatHeader());
            down_prot.down(heartbeat);
            num_heartbeats_sent++;
        }
        timeoutChecker.run();
    }

    @Override
    public void init() throws Exception {
        super.init();
        timeoutChecker = createTimeoutChecker();
    }

    @Override
    protected void startHeartbeatSender() {
        checking = true;
    }

    @Override
    protected void startTimeoutChecker() {
        checking = true;
    }

    @Override
    protected void stopHeartbeatSender() {
        checking = false;
    }

    @Override
    protected void stopTimeoutChecker() {
        checking = false;
    }

    @Override
    public boolean isHeartbeatSenderRunning() {
        return checking;
    }

    @Override
    public boolean isTimeoutCheckerRunning() {
        return checking;
    }

    @Override
    protected void handleViewChange(View view) {
        Map<String, Address> byName = new HashMap<>();
        for (Address a : view.getMembers()) {
            String name = NameCache.get(a);
            if (name != null) byName.put(name, a);
        }
        membersByName = Map.copyOf(byName);
        super.handleViewChange(view);
    }
}
