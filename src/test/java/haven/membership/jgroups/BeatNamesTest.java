package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.core.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class BeatNamesTest {
    private final BeatNames names = new BeatNames(List.of(NodeId.of("n1"), NodeId.of("n2")));

    @Test
    void aMemberListIsParsedOnceAndNamesTheConfigDoesNotKnowAreStillChecked() {
        List<NodeId> first = names.members("n1,n2,n9");
        assertThat(first).containsExactly(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n9"));
        assertThat(names.members("n1,n2,n9")).isSameAs(first);
        assertThat(names.members("")).isEmpty();
        assertThatThrownBy(() -> names.members("n1,bad name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> names.id("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCacheStaysBounded() {
        for (int i = 0; i < 10 * BeatNames.MAX_LISTS; i++) {
            names.members("n1,x" + i);
            assertThat(names.cachedLists()).isLessThanOrEqualTo(BeatNames.MAX_LISTS);
        }
        assertThat(names.members("n1,x0")).containsExactly(NodeId.of("n1"), NodeId.of("x0"));
    }
}
