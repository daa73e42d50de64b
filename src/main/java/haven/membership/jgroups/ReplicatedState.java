package haven.membership.jgroups;

import haven.cib.ClusterState;
import haven.cib.Codec;
import haven.cib.Command;
import java.io.DataInput;
import java.io.DataOutput;
import java.util.List;
import java.util.function.Consumer;
import org.jgroups.raft.StateMachine;

/**
 * The Raft state machine: applies committed entries to the cluster state, in log order, on the RAFT
 * thread, and hands every new state to the node. An entry that breaks a state invariant is skipped on
 * every node alike (apply is deterministic), and logged loudly: it is a bug in the proposer.
 */
final class ReplicatedState implements StateMachine {
    private static final System.Logger LOG = System.getLogger("haven.cib");
    private volatile ClusterState state = ClusterState.EMPTY;
    private final Consumer<ClusterState> onChange;
    private final haven.membership.ClusterListener listener;

    ReplicatedState(haven.membership.ClusterListener listener) {
        this.listener = listener;
        this.onChange = listener::stateChanged;
    }

    ClusterState state() {
        return state;
    }

    @Override
    public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) throws Exception {
        List<Command> entry = Codec.decodeEntry(data, offset, length);
        ClusterState before = state;
        try {
            state = state.apply(entry);
        } catch (AssertionError e) {
            LOG.log(System.Logger.Level.ERROR, "skipped a log entry that breaks a cluster-state invariant: " + e.getMessage());
            state = state.apply(List.of()); // still one version on, as on every other node
        }
        try {
            listener.entryApplied(before, entry, state);
        } catch (RuntimeException e) {
            // The timeline is a record of the state, never a condition for it: the state moves on regardless.
            LOG.log(System.Logger.Level.WARNING, "timeline: entry " + state.version() + " not recorded: " + e);
        }
        onChange.accept(state);
        return null;
    }

    @Override
    public void readContentFrom(DataInput in) throws Exception {
        int n = in.readInt();
        byte[] b = new byte[n];
        in.readFully(b);
        state = Codec.decodeState(b);
        listener.snapshotInstalled(state);
        onChange.accept(state);
    }

    @Override
    public void writeContentTo(DataOutput out) throws Exception {
        byte[] b = Codec.encodeState(state);
        out.writeInt(b.length);
        out.write(b);
    }
}
