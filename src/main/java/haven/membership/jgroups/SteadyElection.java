package haven.membership.jgroups;

import java.util.List;
import java.util.Optional;
import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.protocols.raft.ELECTION2;
import org.jgroups.protocols.raft.RaftHeader;
import org.jgroups.protocols.raft.election.BaseElection;
import org.jgroups.protocols.raft.election.PreVoteRequest;
import org.jgroups.protocols.raft.election.PreVoteResponse;
import org.jgroups.raft.util.Utils;

/**
 * jgroups-raft's election (the view coordinator runs the voting, {@link BaseElection}) with a pre-vote that
 * leaves a healthy leader alone: see {@link PreVote} for the rule and why ELECTION2's own disturbed the
 * leader after a heal. A rejoining node, or a new view coordinator, never starts an election while a member
 * of the view leads.
 *
 * <p>Wire-compatible with ELECTION2: it carries ELECTION2's protocol id and its pre-vote messages, and
 * answers theirs, so daemons with ELECTION2 and with this protocol elect together during a rolling upgrade.
 *
 * <p>Thread safety: views and messages come on JGroups' threads; the round's state is {@link PreVote}'s.
 */
public final class SteadyElection extends BaseElection {
    /** ELECTION2's protocol id; its class initialiser also registers the pre-vote headers this protocol sends. */
    static final short ELECTION2_ID = 524;

    static {
        try {
            Class.forName(ELECTION2.class.getName(), true, SteadyElection.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PreVote<Address> preVote = new PreVote<>();

    public SteadyElection() {
        setId(ELECTION2_ID);
    }

    @Override
    protected void handleView(View v) {
        View previous = this.view;
        this.view = v;
        Utils.Majority result = Utils.computeMajority(previous, v, raft);
        List<Address> joiners = View.newMembers(previous, v);
        switch (result) {
            case no_change -> {
                if (raft.isLeader() && joiners != null && !joiners.isEmpty()) {
                    sendLeaderElectedMessage(raft.leader(), raft.currentTerm());
                } else if ((Utils.viewCoordinatorChanged(previous, v) || preVote.running()) && isViewCoordinator()) {
                    // A round still waiting for a member that has just left would wait for ever: start again.
                    startPreVote();
                }
            }
            case reached, leader_lost -> {
                if (isViewCoordinator()) {
                    stopVotingThread();
                    startPreVote();
                }
            }
            case lost -> {
                preVote.stop();
                stopVotingThread();
                raft.setLeaderAndTerm(null);
            }
        }
    }

    @Override
    protected void handleMessage(Message msg, RaftHeader hdr) {
        if (hdr instanceof PreVoteRequest) {
            Message answer = new EmptyMessage(msg.getSrc()).putHeader(id, new PreVoteResponse(raft.leader())).setFlag(Message.Flag.OOB);
            down_prot.down(answer);
        } else if (hdr instanceof PreVoteResponse rsp) {
            onAnswer(msg.getSrc(), rsp);
        } else {
            super.handleMessage(msg, hdr);
        }
    }

    private void startPreVote() {
        View v = view;
        if (isVotingThreadRunning() || v.size() < raft.majority()) return;
        preVote.start(v.getMembers());
        log.debug("%s: pre-vote in view %s", local_addr, v.getViewId());
        down_prot.down(new EmptyMessage(null).putHeader(id, new PreVoteRequest()).setFlag(Message.Flag.OOB));
    }

    private void onAnswer(Address from, PreVoteResponse rsp) {
        if (isVotingThreadRunning() || !isViewCoordinator()) return;
        switch (preVote.answer(from, Optional.ofNullable(rsp.leader()), raft.majority())) {
            case WAITING -> { }
            case KEEP_LEADER -> log.debug("%s: pre-vote: a member of the view leads; no election", local_addr);
            case ELECT -> {
                log.debug("%s: pre-vote: no member of the view leads; starting the voting", local_addr);
                raft.setLeaderAndTerm(null);
                startVotingThread();
            }
        }
    }
}
