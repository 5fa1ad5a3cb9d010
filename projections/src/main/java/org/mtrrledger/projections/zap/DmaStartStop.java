package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.mtrr.GfnRange;

/**
 * {@code kvm_noncoherent_dma_assignment_start_or_stop()} (v6.7+, Yan Zhao's v1/v2 patch 4 before it): when the
 * count goes 0->1 or 1->0 and EPT is on ({@code __kvm_mmu_honors_guest_mtrrs(true)}), zap
 * {@code [gpa_to_gfn(0), gpa_to_gfn(~0ULL))}.
 */
final class DmaStartStop {
    private DmaStartStop() {
    }

    static void zap(VmState vm, FoldStep step, String policy, List<Zap> out) {
        var d = step.dma();
        if (d != null && d.startOrStop() && vm.settings().tdpEnabled()) {
            out.add(new Zap(GfnRange.ALL52, policy + " noncoherent DMA assignment "
                    + (d.countAfter() == 0 ? "stop (1->0)" : "start (0->1)")));
        }
    }
}
