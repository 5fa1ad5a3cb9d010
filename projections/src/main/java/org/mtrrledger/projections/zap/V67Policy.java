package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.engine.mtrr.MtrrMsr;
import org.mtrrledger.projections.memtype.KernelEra;

/**
 * P1, v6.7-v6.10: every zap gated by {@code kvm_mmu_honors_guest_mtrrs()} (EPT and non-coherent DMA); PAT left
 * mtrr.c in v6.5 and never zaps; the CD toggle zaps {@code [0, ~0ULL)} only with the quirk off; non-coherent DMA
 * 0->1 / 1->0 zaps {@code [0, gpa_to_gfn(~0ULL))} ({@code kvm_noncoherent_dma_assignment_start_or_stop()}).
 */
final class V67Policy implements ZapPolicy {
    @Override
    public PolicyId id() {
        return PolicyId.V6_7;
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
            if (w.kind() != MtrrMsr.PAT && vm.honorsGuestMtrrs()) {
                UpdateMtrrZap.zap(w, vm.vcpu(step.vcpu()).mtrr(), "v6.7", out);
            }
            return;
        }
        var c = step.cr0Write();
        if (c != null && c.cdToggled() && vm.honorsGuestMtrrs() && !vm.settings().quirkCdNwCleared()) {
            out.add(new Zap(GfnRange.ALL64, "v6.7 kvm_post_set_cr0: CR0.CD toggled, honoring, quirk off"));
            return;
        }
        DmaStartStop.zap(vm, step, "v6.7", out);
    }
}
