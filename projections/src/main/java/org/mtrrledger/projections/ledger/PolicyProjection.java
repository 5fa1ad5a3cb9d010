package org.mtrrledger.projections.ledger;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.engine.pipeline.EventRef;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.pipeline.ProjectionState;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.hazard.HazardCheck;
import org.mtrrledger.projections.hazard.HazardKind;
import org.mtrrledger.projections.hazard.PossibleSets;
import org.mtrrledger.projections.memtype.MemtypeMap;
import org.mtrrledger.projections.zap.Zap;
import org.mtrrledger.projections.zap.ZapPolicy;
import org.mtrrledger.projections.zap.MtrrSource;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * Runs every {@link ZapPolicy} and its hazard tracking inside the fold loop, in the order of domain doc 9.4: (1) the
 * fold has run; (2) each policy computes its zap list; (3) the zaps clear the possible-sets; (4) the event's check
 * points are evaluated; (5) every online vCPU's current EPT entry is added to the possible-sets. Check points count
 * only while KVM honors guest MTRRs (EPT and non-coherent DMA).
 */
public final class PolicyProjection implements Projection {
    private final ZapPolicy[] policies = ZapPolicy.all().toArray(new ZapPolicy[0]);

    @Override
    public ProjectionState initial(String vm) {
        return new PoliciesState();
    }

    @Override
    public ProjectionState decode(byte[] bytes) {
        return PoliciesState.decode(bytes);
    }

    @Override
    public List<ProjectionRecord> project(ProjectionState state, VmState vm, EventRef ref, MtrrEvent event,
            FoldStep step) {
        PoliciesState s = (PoliciesState) state;
        List<ProjectionRecord> out = new ArrayList<>();
        long limit = vm.settings().gfnLimit();
        s.vcpuChanges.record(vm, step.vcpu());
        GuestMapCache guestMaps = new GuestMapCache(s, vm);
        List<Zap> zaps = new ArrayList<>(4);
        boolean checkPoint = vm.honorsGuestMtrrs() && isCheckPoint(step);
        for (ZapPolicy p : policies) {
            int i = p.id().code;
            zaps.clear();
            p.zaps(vm, step, zaps);
            boolean cleared = false;
            for (int k = 0; k < zaps.size(); k++) {
                Zap z = zaps.get(k);
                out.add(new ProjectionRecord(ProjectionRecord.Kind.ZAP, i, k,
                        new ZapRecord(p.id(), ref.offset(), k, step.vcpu(), z.range(), z.rule()).encode()));
                s.counters[i].countZap(z.range(), limit);
                GfnRange c = z.range().clip(limit);
                if (c != null) {
                    s.possible[i].clear(c);
                    cleared = true;
                }
            }
            if (checkPoint) {
                List<Hazard> hazards = checkPoints(p, s.possible[i], vm, step, ref.offset(), guestMaps);
                for (int k = 0; k < hazards.size(); k++) {
                    Hazard h = hazards.get(k);
                    out.add(new ProjectionRecord(ProjectionRecord.Kind.HAZARD, i, h.seq(), h.encode()));
                    switch (h.kind()) {
                        case MEMTYPE -> s.counters[i].memtypeHazards++;
                        case IPAT -> s.counters[i].ipatHazards++;
                        case MTRR_DISAGREEMENT -> s.counters[i].disagreementHazards++;
                    }
                }
            }
            addOnlineVcpus(p, s, vm, step, cleared, ref.offset(), guestMaps);
        }
        return out;
    }

    /** A CR0.CD 1->0 or a DMA transfer (domain doc 9.2); {@link #checkPoints} finds nothing at other events. */
    private static boolean isCheckPoint(FoldStep step) {
        var c = step.cr0Write();
        var d = step.dma();
        return (c != null && c.cdCleared()) || (d != null && d.op() == DmaOpKind.TRANSFER);
    }

    private static List<Hazard> checkPoints(ZapPolicy p, PossibleSets possible, VmState vm, FoldStep step,
            long offset, GuestMapCache memo) {
        long limit = vm.settings().gfnLimit();
        var c = step.cr0Write();
        if (c != null && c.cdCleared()) {
            VcpuState v = vm.vcpu(step.vcpu());
            if (!v.mtrr().enabled()) {
                return List.of();
            }
            return HazardCheck.check(p.id(), possible, memo.of(v.mtrr()), new GfnRange(0, limit), offset,
                    v.index(), 0);
        }
        var d = step.dma();
        if (d != null && d.op() == DmaOpKind.TRANSFER) {
            GfnRange r = d.transferGfns().clip(limit);
            VcpuState lowest = vm.lowestOnlineVcpu();
            if (r == null || lowest == null) {
                return List.of();
            }
            MemtypeMap demanded = memo.of(lowest.mtrr());
            List<MemtypeMap> others = new ArrayList<>();
            for (VcpuState w : vm.vcpus()) {
                if (w.online() && w != lowest) {
                    others.add(memo.of(w.mtrr()));
                }
            }
            List<Hazard> out = new ArrayList<>(
                    HazardCheck.disagreement(p.id(), demanded, others, r, offset, lowest.index(), 0));
            out.addAll(HazardCheck.check(p.id(), possible, demanded, r, offset, lowest.index(), out.size()));
            return out;
        }
        return List.of();
    }

    /**
     * Step (5) of domain doc 9.4. Adding an entry twice changes nothing, so only vCPUs whose EPT entries may differ
     * from what they last added are re-added: all of them after a zap of this policy or a VM-wide change
     * (settings, the non-coherent DMA count, the per-VM copy for {@link MtrrSource#PER_VM_COPY}, vCPU 0 for
     * {@link MtrrSource#VCPU0}); otherwise only the event's own vCPU, if the event changed it. And a map the policy
     * added since its last zap is not added again (maps are interned: vCPUs in the same state share one).
     */
    private static void addOnlineVcpus(ZapPolicy p, PoliciesState s, VmState vm, FoldStep step, boolean zapped,
            long offset, GuestMapCache guestMaps) {
        int i = p.id().code;
        AddedMaps added = s.added[i];
        if (zapped) {
            added.clear();
        }
        boolean all = zapped || affectsEveryVcpu(p, step);
        if (!all && (step.vcpu() < 0 || !changedVcpu(step))) {
            return;
        }
        if (!all) {
            VcpuState v = vm.vcpu(step.vcpu());
            if (v != null && v.online()) {
                add(s.possible[i], added, guestMaps.eptOfEventVcpu(p.era(), p.mtrrSource(), v), offset);
            }
            return;
        }
        List<MemtypeMap> maps = guestMaps.eptOfOnlineVcpus(p.era(), p.mtrrSource());
        for (int k = 0; k < maps.size(); k++) {
            add(s.possible[i], added, maps.get(k), offset);
        }
    }

    private static void add(PossibleSets possible, AddedMaps added, MemtypeMap ept, long offset) {
        if (!added.contains(ept)) {
            possible.add(ept, offset);
            added.add(ept);
        }
    }

    private static boolean changedVcpu(FoldStep step) {
        return !step.outcome().changes().isEmpty() || !step.outcome().notes().isEmpty();
    }

    private static boolean affectsEveryVcpu(ZapPolicy p, FoldStep step) {
        if (step.vcpu() < 0) {
            return step.outcome().applied() && !step.outcome().changes().isEmpty();
        }
        return switch (p.mtrrSource()) {
            case VCPU0 -> step.vcpu() == 0 && changedVcpu(step);
            case PER_VM_COPY -> step.perVm() != null && !step.perVm().marked().isEmpty();
            case FAULTING_VCPU -> false;
        };
    }
}
