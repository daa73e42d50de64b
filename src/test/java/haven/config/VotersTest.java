package haven.config;

import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.core.NodeId;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class VotersTest {
    private static String config(String votersLine, int nodes) {
        StringBuilder b = new StringBuilder("cluster:\n  name: lab\n  key: \"0123456789abcdef\"\n" + votersLine + "nodes:\n");
        for (int i = 1; i <= nodes; i++) b.append("  - name: n").append(i).append("\n    address: 10.0.0.").append(i).append('\n');
        return b.toString();
    }

    private static List<String> names(List<NodeId> ids) {
        return ids.stream().map(NodeId::name).toList();
    }

    @Test
    void byDefaultTheFirstFiveConfiguredNodesVoteAndTheRestFollow() throws ConfigException {
        ClusterConfig c = valid(config("", 16));
        assertThat(c.voters()).isEqualTo(Voters.DEFAULT);
        assertThat(names(c.voterIds())).containsExactly("n1", "n2", "n3", "n4", "n5");
        assertThat(c.majority()).as("the quorum lease still counts every node").isEqualTo(9);
    }

    @Test
    void fewerNodesThanVotersMeansEveryNodeVotes() throws ConfigException {
        assertThat(names(valid(config("", 3)).voterIds())).containsExactly("n1", "n2", "n3");
        assertThat(names(valid(config("  voters: 7\n", 5)).voterIds())).hasSize(5);
    }

    @Test
    void threeOrAllCanBeChosen() throws ConfigException {
        assertThat(names(valid(config("  voters: 3\n", 7)).voterIds())).containsExactly("n1", "n2", "n3");
        assertThat(valid(config("  voters: all\n", 7)).voterIds()).hasSize(7);
    }

    @Test
    void anEvenNumberIsRefusedWithTheChoices() {
        ConfigProblem p = onlyProblem(config("  voters: 4\n", 7), 4, 11, "cluster.voters 4 is not an odd number 3..9");
        assertThat(p.hint()).contains("voters: all").contains("5 (the default)");
    }

    @Test
    void oneVoterAndWordsAreRefused() {
        onlyProblem(config("  voters: 1\n", 7), 4, 11, "cluster.voters 1 is not an odd number");
        onlyProblem(config("  voters: some\n", 7), 4, 11, "cluster.voters 'some' is neither a number nor 'all'");
    }

    @Test
    void theRecordRefusesWhatTheFileCannotSay() {
        assertThatThrownBy(() -> new Voters(2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Voters(11)).isInstanceOf(IllegalArgumentException.class);
        List<NodeId> nine = IntStream.rangeClosed(1, 9).mapToObj(i -> NodeId.of("n" + i)).toList();
        assertThat(new Voters(9).of(nine)).isEqualTo(nine);
        assertThat(Voters.EVERY_NODE.word()).isEqualTo("all");
    }
}
