package org.mtrrledger.projections.zap;

import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.events.model.MtrrState;

/** Whose MTRRs decide the memtype of a fault (domain doc 9.4, "Memory type sources"). */
public enum MtrrSource {
    /** Upstream: the faulting vCPU's own {@code mtrr_state}. */
    FAULTING_VCPU,
    /** Yan Zhao v2: vCPU 0's state for every fault (the faulting vCPU's own if vCPU 0 does not exist). */
    VCPU0,
    /** The per-VM copy of the dirty-range policy. */
    PER_VM_COPY;

    public MtrrState of(VmState vm, PerVmCopy perVm, VcpuState faulting) {
        return switch (this) {
            case FAULTING_VCPU -> faulting.mtrr();
            case VCPU0 -> {
                VcpuState v0 = vm.vcpu(0);
                yield v0 == null ? faulting.mtrr() : v0.mtrr();
            }
            case PER_VM_COPY -> perVm.mtrr();
        };
    }
}
