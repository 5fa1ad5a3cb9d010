package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.engine.mtrr.MtrrMsr;
import org.mtrrledger.projections.memtype.KernelEra;

/**
 * P2, Yan Zhao's v2 (20230509135343.1925-1-yan.y.zhao@intel.com): {@code update_mtrr()} returns early unless
 * {@code vcpu_id == 0}, zaps only with EPT (patches 1-3); CD toggle as v6.4 but EPT-only; non-coherent 0<->1 zaps
 * all (patch 4); memtypes come from vCPU 0's MTRRs with the faulting vCPU's CR0.CD.
 */
final class YanV2Vcpu0Policy implements ZapPolicy {
    @Override
    public PolicyId id() {
        return PolicyId.YAN_V2_VCPU0;
    }

    @Override
    public KernelEra era() {
        return KernelEra.V6_4;
    }

    @Override
    public MtrrSource mtrrSource() {
        return MtrrSource.VCPU0;
    }

    @Override
    public void zaps(VmState vm, FoldStep step, List<Zap> out) {
        var w = step.msrWrite();
        if (w != null) {
            if (step.vcpu() == 0 && w.kind() != MtrrMsr.PAT && vm.honorsGuestMtrrs()) {
                UpdateMtrrZap.zap(w, vm.vcpu(0).mtrr(), "yan-v2-vcpu0", out);
            }
            return;
        }
        var c = step.cr0Write();
        if (c != null && c.cdToggled() && vm.honorsGuestMtrrs() && !vm.settings().quirkCdNwCleared()) {
            out.add(new Zap(GfnRange.ALL64, "yan-v2-vcpu0 kvm_post_set_cr0: CR0.CD toggled, EPT, quirk off"));
            return;
        }
        DmaStartStop.zap(vm, step, "yan-v2-vcpu0", out);
    }
}
