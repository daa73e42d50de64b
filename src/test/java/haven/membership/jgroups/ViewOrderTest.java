package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.View;
import org.jgroups.ViewId;
import org.jgroups.stack.Protocol;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

class ViewOrderTest {
    private final Address n1 = UUID.randomUUID();
    private final Address n2 = UUID.randomUUID();

    @Test
    void aViewOlderThanTheLastPassedIsOlder() {
        assertThat(ViewOrder.isOlder(new ViewId(n1, 0), null)).as("the first view").isFalse();
        assertThat(ViewOrder.isOlder(new ViewId(n1, 0), new ViewId(n1, 1))).isTrue();
        assertThat(ViewOrder.isOlder(new ViewId(n1, 2), new ViewId(n1, 1))).isFalse();
        assertThat(ViewOrder.isOlder(new ViewId(n2, 3), new ViewId(n1, 2))).as("another creator, a newer id (a merge)").isFalse();
    }

    @Test
    void theProtocolsAboveNeverSeeAViewStepBack() {
        Recorder above = new Recorder();
        ViewOrder order = new ViewOrder();
        order.setUpProtocol(above);
        View joined = new View(new ViewId(n1, 1), List.of(n1, n2));
        View alone = new View(new ViewId(n1, 0), List.of(n1));
        order.up(new Event(Event.VIEW_CHANGE, joined));
        order.up(new Event(Event.VIEW_CHANGE, alone)); // delivered late by GMS, as in the CTS
        View next = new View(new ViewId(n1, 2), List.of(n1));
        order.up(new Event(Event.VIEW_CHANGE, next));
        assertThat(above.views).containsExactly(joined, next);
    }

    private static final class Recorder extends Protocol {
        final java.util.List<View> views = new java.util.ArrayList<>();

        @Override
        public Object up(Event evt) {
            if (evt.getType() == Event.VIEW_CHANGE) views.add(evt.getArg());
            return null;
        }
    }
}
