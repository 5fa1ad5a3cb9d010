package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.engine.mtrr.MtrrMsr;
import org.mtrrledger.projections.memtype.KernelEra;

/**
 * P0, upstream v6.3-v6.6. {@code update_mtrr()}: no zap for PAT, without {@code tdp_enabled} or without
 * non-coherent DMA, else {@link UpdateMtrrZap}. {@code kvm_post_set_cr0()}: a CD toggle with non-coherent DMA and
 * the CD_NW_CLEARED quirk disabled zaps the raw {@code [0, ~0ULL)}, with no tdp check. DMA (un)registration only
 * counts.
 */
final class V64Policy implements ZapPolicy {
    @Override
    public PolicyId id() {
        return PolicyId.V6_4;
    }

    @Override
    public KernelEra era() {
        return KernelEra.V6_4;
    }

    @Override
    public MtrrSource mtrrSource() {
        return MtrrSource.FAULTING_VCPU;
    }

    @Override
    public void zaps(VmState vm, FoldStep step, List<Zap> out) {
        var w = step.msrWrite();
        if (w != null) {
            if (w.kind() == MtrrMsr.PAT || !vm.settings().tdpEnabled() || !vm.hasNoncoherentDma()) {
                return;
            }
            UpdateMtrrZap.zap(w, vm.vcpu(step.vcpu()).mtrr(), "v6.4", out);
            return;
        }
        var c = step.cr0Write();
        if (c != null && c.cdToggled() && vm.hasNoncoherentDma() && !vm.settings().quirkCdNwCleared()) {
            out.add(new Zap(GfnRange.ALL64, "v6.4 kvm_post_set_cr0: CR0.CD toggled, quirk off"));
        }
    }
}
