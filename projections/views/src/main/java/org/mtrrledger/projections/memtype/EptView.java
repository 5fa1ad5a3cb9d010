package org.mtrrledger.projections.memtype;

import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;

/**
 * The EPT entry every page would get if {@code faulting} faulted on it now: {@code vmx_get_mt_mask()} of a kernel
 * era over the guest-MTRR types of a given MTRR state (KVM's resolver, since that is what KVM computes).
 */
public final class EptView {
    private EptView() {
    }

    /**
     * Packed EPT entries ({@link EptEntry}) over the whole GFN space.
     *
     * @param guestMap KVM's resolution of the MTRR source ({@link KvmMtrrResolver}), used only when the era honors
     *                 guest MTRRs in this state
     */
    public static MemtypeMap of(KernelEra era, VmState vm, VcpuState faulting, MemtypeMap guestMap) {
        boolean nc = vm.hasNoncoherentDma();
        boolean cd = faulting.cd();
        boolean quirk = vm.settings().quirkCdNwCleared();
        long limit = vm.settings().gfnLimit();
        if (!era.usesMtrr(nc, cd)) {
            return MemtypeMap.constant(limit, era.ept(nc, cd, quirk, 0));
        }
        return guestMap.map(t -> era.ept(nc, cd, quirk, t));
    }
}
