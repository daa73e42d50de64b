package haven.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ViewMembersTest {
    @Test
    void everyPeerIsAskedUntilAViewIsHeardThenOnlyItsMembers() {
        ViewMembers view = new ViewMembers();
        assertThat(view.asks("n1")).as("no view yet: a promotion outside a daemon asks everyone").isTrue();
        view.update(List.of(NodeId.of("n2"), NodeId.of("n3")));
        assertThat(view.asks("n1")).as("n1 left the view: powered off, or cut off and running nothing").isFalse();
        assertThat(view.asks("n3")).isTrue();
        view.update(List.of(NodeId.of("n1"), NodeId.of("n2")));
        assertThat(view.asks("n1")).isTrue();
        assertThat(view.asks("n3")).isFalse();
    }
}
