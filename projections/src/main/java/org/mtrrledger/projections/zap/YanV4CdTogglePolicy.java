package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.engine.mtrr.MtrrMsr;
import org.mtrrledger.projections.memtype.KernelEra;

/**
 * P3, Yan Zhao's v4 patch 6 ("move TDP zaps from guest MTRRs update to CR0.CD toggling"): {@code update_mtrr()}
 * returns while the writer has CR0.CD=1, otherwise as v6.7; any CD toggle while honoring zaps {@code [0, ~0ULL)}
 * whatever the quirk.
 */
final class YanV4CdTogglePolicy implements ZapPolicy {
    @Override
    public PolicyId id() {
        return PolicyId.YAN_V4_CD_TOGGLE;
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
                UpdateMtrrZap.zap(w, vm.vcpu(step.vcpu()).mtrr(), "yan-v4-cd-toggle", out);
            }
            return;
        }
        var c = step.cr0Write();
        if (c != null && c.cdToggled() && vm.honorsGuestMtrrs()) {
            out.add(new Zap(GfnRange.ALL64, "yan-v4-cd-toggle kvm_post_set_cr0: CR0.CD toggled while honoring"));
            return;
        }
        DmaStartStop.zap(vm, step, "yan-v4-cd-toggle", out);
    }
}
