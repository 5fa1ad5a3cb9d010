package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.mtrr.FixedMtrr;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.engine.mtrr.MemType;
import org.mtrrledger.engine.mtrr.MtrrMsr;
import org.mtrrledger.engine.mtrr.MtrrState;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;

/**
 * P5, Sean Christopherson's sketch in the seed thread (ZG5VlRzJkcwo9Qju, 2023-05-24), without later amendments:
 * {@code update_mtrr()} returns while the writer has CR0.CD=1, otherwise as v6.7; {@code kvm_mtrr_post_set_cr0()}
 * acts on CD 1->0 only: quirk off zaps {@code [0, ~0ULL)}; quirk on zaps the non-WB memory: all if MTRRs are
 * disabled with a non-WB disabled type or the default type is not WB, else one fixed span from the lowest to the
 * highest non-WB fixed byte (FE=1 only), then each valid non-WB variable range in KVM's list order.
 */
final class SeanCdNonWbPolicy implements ZapPolicy {
    @Override
    public PolicyId id() {
        return PolicyId.SEAN_CD_NONWB;
    }

    @Override
    public KernelEra era() {
        return KernelEra.V6_7;
    }

    @Override
    public MtrrSource mtrrSource() {
        return MtrrSource.FAULTING_VCPU;
    }

    @Override
    public void zaps(VmState vm, FoldStep step, List<Zap> out) {
        var w = step.msrWrite();
        if (w != null) {
            if (w.kind() != MtrrMsr.PAT && vm.honorsGuestMtrrs() && !w.writerCd()) {
                UpdateMtrrZap.zap(w, vm.vcpu(step.vcpu()).mtrr(), "sean-cd-nonwb", out);
            }
            return;
        }
        var c = step.cr0Write();
        if (c != null) {
            if (c.cdCleared() && vm.honorsGuestMtrrs()) {
                if (!vm.settings().quirkCdNwCleared()) {
                    out.add(new Zap(GfnRange.ALL64, "sean-cd-nonwb CD 1->0, quirk off: zap all"));
                } else {
                    nonWb(vm, vm.vcpu(step.vcpu()).mtrr(), out);
                }
            }
            return;
        }
        DmaStartStop.zap(vm, step, "sean-cd-nonwb", out);
    }

    private static void nonWb(VmState vm, MtrrState m, List<Zap> out) {
        int wb = MemType.WB.code;
        if (!m.enabled()) {
            if (KvmMtrrResolver.disabledType(vm.settings()) != wb) {
                out.add(new Zap(GfnRange.ALL52, "sean-cd-nonwb CD 1->0: MTRRs disabled (UC): zap all"));
            }
            return;
        }
        if (m.defaultType() != wb) {
            out.add(new Zap(GfnRange.ALL52, "sean-cd-nonwb CD 1->0: default type "
                    + MemType.label(m.defaultType()) + " is not WB: zap all"));
            return;
        }
        if (m.fixedEnabled()) {
            int lo = -1;
            int hi = -1;
            for (int i = 0; i < FixedMtrr.NR_FIXED_RANGES; i++) {
                if (m.fixedType(i) != wb) {
                    lo = lo < 0 ? i : lo;
                    hi = i;
                }
            }
            if (lo >= 0) {
                out.add(new Zap(GfnRange.ofGpa(FixedMtrr.rangeStartGpa(lo), FixedMtrr.rangeEndGpa(hi)),
                        "sean-cd-nonwb CD 1->0: fixed bytes " + lo + ".." + hi + " span the non-WB fixed ranges"));
            }
        }
        for (int i = 0; i < m.listLength(); i++) {
            int idx = m.listEntry(i);
            if (m.varType(idx) != wb) {
                long[] r = m.varRange(idx);
                out.add(new Zap(GfnRange.ofGpa(r[0], r[1]), "sean-cd-nonwb CD 1->0: variable pair " + idx + " is "
                        + MemType.label(m.varType(idx))));
            }
        }
    }
}
