package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep.DmaFact;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.GfnRange;

/** What a non-coherent DMA (un)registration zaps. */
enum DmaRule {
    /** v6.3-v6.6: {@code kvm_arch_register_noncoherent_dma()} only counts. */
    NEVER {
        @Override
        void zaps(VmState vm, DmaFact d, PolicyId policy, List<Zap> out) {
        }
    },
    /**
     * {@code kvm_noncoherent_dma_assignment_start_or_stop()} (v6.7+, Yan Zhao's v1/v2 patch 4 before it): count 0->1
     * or 1->0 with EPT zaps {@code [gpa_to_gfn(0), gpa_to_gfn(~0ULL))}.
     */
    ALL52_ON_START_STOP {
        @Override
        void zaps(VmState vm, DmaFact d, PolicyId policy, List<Zap> out) {
            if (d.startOrStop() && vm.settings().tdpEnabled()) {
                out.add(new Zap(GfnRange.ALL52, (d.countAfter() == 0 ? STOP : START).of(policy)));
            }
        }
    };

    abstract void zaps(VmState vm, DmaFact d, PolicyId policy, List<Zap> out);

    private static final PolicyText STOP = new PolicyText(" noncoherent DMA assignment stop (1->0)");
    private static final PolicyText START = new PolicyText(" noncoherent DMA assignment start (0->1)");
}
