package org.mtrrledger.projections.ledger;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.hazard.HazardCheck;
import org.mtrrledger.projections.hazard.PossibleSets;
import org.mtrrledger.projections.memtype.MemtypeMap;
import org.mtrrledger.projections.zap.PolicyId;

/**
 * One event's check point (domain doc 9.2): a CR0.CD 1->0 of a vCPU with MTRRs enabled, or a DMA transfer with an
 * online vCPU. What the guest's MTRRs demand, over which range, and whether online vCPUs disagree depend only on
 * the fold state, not on the policy, so they are worked out once per event; only the possible-sets differ between
 * policies ({@link #hazards}).
 */
final class CheckPoint {
    private final MemtypeMap demanded;
    private final GfnRange range;
    private final int vcpu;
    /** The MTRR-disagreement findings at a DMA transfer (policy of the first caller; relabelled per policy). */
    private final List<Hazard> disagreement;

    private CheckPoint(MemtypeMap demanded, GfnRange range, int vcpu, List<Hazard> disagreement) {
        this.demanded = demanded;
        this.range = range;
        this.vcpu = vcpu;
        this.disagreement = disagreement;
    }

    /** The event's check point, or null if it is none (then no policy finds anything). */
    static CheckPoint of(VmState vm, FoldStep step, long offset, GuestMapCache maps) {
        if (!vm.honorsGuestMtrrs()) {
            return null;
        }
        long limit = vm.settings().gfnLimit();
        if (step.fact() instanceof FoldStep.Cr0Fact c && c.cdCleared()) {
            VcpuState v = vm.vcpu(step.vcpu());
            if (!v.mtrr().enabled()) {
                return null;
            }
            return new CheckPoint(maps.of(v.mtrr()), new GfnRange(0, limit), v.index(), List.of());
        }
        if (step.fact() instanceof FoldStep.DmaFact d && d.op() == DmaOpKind.TRANSFER) {
            GfnRange r = d.transferGfns().clip(limit);
            VcpuState lowest = vm.lowestOnlineVcpu();
            if (r == null || lowest == null) {
                return null;
            }
            MemtypeMap demanded = maps.of(lowest.mtrr());
            List<Hazard> disagreement = HazardCheck.disagreement(PolicyId.V6_4, demanded,
                    distinctOthers(vm, lowest, demanded, maps), r, offset, lowest.index(), 0);
            return new CheckPoint(demanded, r, lowest.index(), disagreement);
        }
        return null;
    }

    /**
     * The guest-MTRR maps of the online vCPUs other than {@code lowest}, each once (by identity: equal maps share
     * one instance, see {@link GuestMapCache}) and without {@code lowest}'s own: a map equal to another, or to the
     * demanded one, adds no boundary and no differing type to {@link HazardCheck#disagreement}.
     */
    private static List<MemtypeMap> distinctOthers(VmState vm, VcpuState lowest, MemtypeMap demanded,
            GuestMapCache maps) {
        List<MemtypeMap> others = new ArrayList<>(2);
        for (VcpuState w : vm.vcpus()) {
            if (w.online() && w != lowest) {
                MemtypeMap m = maps.of(w.mtrr());
                if (m != demanded && !containsSame(others, m)) {
                    others.add(m);
                }
            }
        }
        return others;
    }

    private static boolean containsSame(List<MemtypeMap> maps, MemtypeMap m) {
        for (int k = 0; k < maps.size(); k++) {
            if (maps.get(k) == m) {
                return true;
            }
        }
        return false;
    }

    /**
     * The hazards of {@code policy} here: the disagreement findings first, then the memtype and IPAT hazards of its
     * possible-sets, numbered on.
     */
    List<Hazard> hazards(PolicyId policy, PossibleSets possible, long offset) {
        List<Hazard> out = new ArrayList<>(disagreement.size() + 2);
        for (int k = 0; k < disagreement.size(); k++) {
            Hazard h = disagreement.get(k);
            out.add(h.policy() == policy ? h : new Hazard(policy, h.kind(), h.offset(), h.seq(), h.vcpu(), h.range(),
                    h.staleMask(), h.demanded(), h.sinceOffset()));
        }
        HazardCheck.checkInto(policy, possible, demanded, range, offset, vcpu, out);
        return out;
    }
}
