package org.mtrrledger.projections.ledger;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.projections.hazard.PossibleSets;
import org.mtrrledger.projections.zap.Zap;

/**
 * The working memory {@link PolicyProjection} keeps for one VM ledger between its events: the guest-MTRR and EPT
 * maps ({@link GuestMapCache}), per policy the maps it added since its last zap ({@link AddedMaps}) and the working
 * memory of its possible-sets ({@link PossibleSets.Work}: the adds not applied yet, the spare arrays), and a scratch
 * list for each policy's zaps of one event. Never encoded, copied or compared: the ledger settles the state first
 * ({@link PolicyProjection#settle}), and a decoded or copied ledger starts with a fresh memo and projects the same
 * records. A ledger is projected by one thread at a time. Public only as
 * the memo type of the public {@link PolicyProjection}; its contents are the package's.
 */
public final class PolicyMemo {
    final GuestMapCache maps = new GuestMapCache();
    final AddedMaps[] added = new AddedMaps[PoliciesState.POLICIES];
    /** Bound to the possible-sets of the one state this memo's ledger holds ({@link PoliciesState#possible}). */
    final PossibleSets.Work[] sets = new PossibleSets.Work[PoliciesState.POLICIES];
    final List<Zap> zaps = new ArrayList<>(4);

    PolicyMemo() {
        for (int i = 0; i < added.length; i++) {
            added[i] = new AddedMaps();
            sets[i] = new PossibleSets.Work();
        }
    }
}
