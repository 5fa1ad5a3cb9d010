package org.mtrrledger.projections.ledger;

import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.mtrr.MtrrState;
import org.mtrrledger.projections.memtype.EptView;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;
import org.mtrrledger.projections.memtype.MemtypeMap;

/**
 * KVM's guest-MTRR map of each vCPU, recomputed only when that vCPU's MTRRs (or the VM settings) changed since the
 * last event that needed it: after a full zap every online vCPU is re-added, and most of them have not changed.
 */
final class GuestMapCache {
    private final PoliciesState state;
    private final VmState vm;

    GuestMapCache(PoliciesState state, VmState vm) {
        this.state = state;
        this.vm = vm;
    }

    MemtypeMap of(MtrrState m) {
        return entry(m).map();
    }

    /** The EPT entries a fault by {@code faulting} installs under {@code era}, resolved from {@code source}. */
    MemtypeMap ept(KernelEra era, VcpuState faulting, MtrrState source) {
        PoliciesState.GuestMap g = entry(source);
        int slot = era.ordinal() * 4 + (faulting.cd() ? 2 : 0) + (vm.hasNoncoherentDma() ? 1 : 0);
        MemtypeMap e = g.ept()[slot];
        if (e == null) {
            e = intern(EptView.of(era, vm, faulting, g.map()));
            g.ept()[slot] = e;
        }
        return e;
    }

    /**
     * One instance per distinct map, so that vCPUs in the same state (the common case: every AP after the firmware
     * and the kernel programmed them alike) yield the very same object and are added once by identity.
     */
    private MemtypeMap intern(MemtypeMap m) {
        MemtypeMap known = state.interned.putIfAbsent(m, m);
        if (state.interned.size() > 4096) {
            state.interned.clear();
        }
        return known == null ? m : known;
    }

    private PoliciesState.GuestMap entry(MtrrState m) {
        PoliciesState.GuestMap g = state.guestMaps.get(m);
        if (g != null && g.modCount() == m.modCount()
                && (g.settings() == vm.settings() || g.settings().equals(vm.settings()))) {
            return g;
        }
        MemtypeMap map = KvmMtrrResolver.INSTANCE.resolve(m, vm.settings());
        if (state.guestMaps.size() > 4096) {
            state.guestMaps.clear();
        }
        g = new PoliciesState.GuestMap(m.modCount(), vm.settings(), map,
                new MemtypeMap[KernelEra.values().length * 4]);
        state.guestMaps.put(m, g);
        return g;
    }
}
