package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.projections.memtype.KernelEra;

/**
 * P6, v6.11+ (commit 0a7b73559b39 "Remove VMX support for virtualizing guest MTRR memtypes"): MTRR writes and CR0.CD
 * never zap; only the non-coherent DMA start/stop zap remains.
 */
final class V611Policy implements ZapPolicy {
    @Override
    public PolicyId id() {
        return PolicyId.V6_11;
    }

    @Override
    public KernelEra era() {
        return KernelEra.V6_11;
    }

    @Override
    public MtrrSource mtrrSource() {
        return MtrrSource.FAULTING_VCPU;
    }

    @Override
    public void zaps(VmState vm, FoldStep step, List<Zap> out) {
        DmaStartStop.zap(vm, step, "v6.11", out);
    }
}
