package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.projections.memtype.KernelEra;

/**
 * P7, the per-VM copy with a dirty-range tracker (domain doc 9.1). The fold keeps the copy and the tracker and drains
 * it at a CD 1->0 while honoring; this policy zaps the drained ranges (merged, ascending) with the quirk on, or
 * {@code [0, ~0ULL)} with it off. MTRR writes never zap. Memtypes come from the per-VM copy.
 */
final class PerVmDirtyPolicy implements ZapPolicy {
    @Override
    public PolicyId id() {
        return PolicyId.PER_VM_DIRTY;
    }

    @Override
    public KernelEra era() {
        return KernelEra.V6_7;
    }

    @Override
    public MtrrSource mtrrSource() {
        return MtrrSource.PER_VM_COPY;
    }

    @Override
    public void zaps(VmState vm, FoldStep step, List<Zap> out) {
        var perVm = step.perVm();
        if (perVm != null && perVm.drained() != null) {
            if (!vm.settings().quirkCdNwCleared()) {
                out.add(new Zap(GfnRange.ALL64, "per-vm-dirty CD 1->0, quirk off: zap all, tracker cleared"));
            } else {
                for (GfnRange r : perVm.drained()) {
                    out.add(new Zap(r, "per-vm-dirty CD 1->0: dirty range of the per-VM copy"));
                }
            }
            return;
        }
        DmaStartStop.zap(vm, step, "per-vm-dirty", out);
    }
}
