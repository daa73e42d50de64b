package haven.membership.jgroups;

import org.jgroups.Event;
import org.jgroups.View;
import org.jgroups.ViewId;
import org.jgroups.stack.Protocol;

/**
 * Sits just above GMS and passes views up in the order of their ids, dropping one older than a view already
 * passed. JGroups 5.4.11's GMS decides under its lock which view is newest, but sends the view up after
 * releasing it, so two views installed at once can reach the protocols above in the wrong order. The CTS
 * found it (seed 7, StartOnebyOne): n1 created the cluster alone (view 0) while n2 joined (view 1), ELECTION2
 * and RAFT saw view 1 and then view 0, so they believed n1 alone and elected no leader, with n1 and n2 both
 * up, until n3 joined 64 s later.
 *
 * <p>Thread safety: a view is checked and passed up under this object's lock, so that no older view can
 * overtake a newer one between the check and the delivery. What runs above on a view (ELECTION2, RAFT and the
 * channel's receiver) only records it or starts work on other threads.
 */
final class ViewOrder extends Protocol {
    private static final System.Logger LOG = System.getLogger("haven.membership");
    private ViewId last;

    @Override
    public Object up(Event evt) {
        if (evt.getType() != Event.VIEW_CHANGE) return up_prot.up(evt);
        View view = evt.getArg();
        synchronized (this) {
            if (isOlder(view.getViewId(), last)) {
                LOG.log(System.Logger.Level.INFO, "dropped view " + view.getViewId() + ", older than " + last + " already installed");
                return null;
            }
            last = view.getViewId();
            return up_prot.up(evt);
        }
    }

    /** Whether {@code next} comes before {@code last} (null: no view yet) in JGroups' order of view ids. */
    static boolean isOlder(ViewId next, ViewId last) {
        return last != null && next.compareToIDs(last) < 0;
    }
}
