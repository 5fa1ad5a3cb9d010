package org.mtrrledger.projections.ledger;

import java.util.List;
import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.projections.memtype.EptView;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;
import org.mtrrledger.projections.memtype.MemtypeMap;
import org.mtrrledger.projections.zap.MtrrSource;

/**
 * KVM's guest-MTRR map of each vCPU, recomputed only when that vCPU's MTRRs (or the VM settings) changed since the
 * last event that needed it: after a full zap every online vCPU is re-added, and most of them have not changed.
 * One instance per VM ledger over the caches kept in {@link PoliciesState}, reset for each event
 * ({@link #forEvent}).
 */
final class GuestMapCache {
    static final KernelEra[] ERAS = KernelEra.values();
    static final int SOURCES = MtrrSource.values().length;

    private final PoliciesState state;
    /** The VM state after the event being projected. */
    private VmState vm;

    /** By {@code era * SOURCES + source}: {@link #eptOfEventVcpu} of this event, null until asked. */
    private final MemtypeMap[] eventVcpuEpt = new MemtypeMap[ERAS.length * SOURCES];

    /**
     * The MTRR states resolved during this event and their resolutions: the policies ask for the same few states
     * (the event's vCPU's, vCPU 0's, the per-VM copy) again and again, alternating, and within one event neither
     * their modification counts nor the settings move. Filled round robin.
     */
    private final MtrrState[] memoStates = new MtrrState[4];
    private final PoliciesState.Resolution[] memoResolutions = new PoliciesState.Resolution[4];
    private int memoNext;

    GuestMapCache(PoliciesState state) {
        this.state = state;
    }

    /** Starts an event: {@code vm} is the state after its fold. */
    GuestMapCache forEvent(VmState vm) {
        this.vm = vm;
        java.util.Arrays.fill(eventVcpuEpt, null);
        java.util.Arrays.fill(memoStates, null);
        return this;
    }

    /**
     * The distinct EPT maps (by identity: they are interned) of the online vCPUs under {@code era} with
     * {@code source}'s MTRRs, in vCPU order of first appearance ({@link OnlineEpts}, kept across events).
     */
    List<MemtypeMap> eptOfOnlineVcpus(KernelEra era, MtrrSource source) {
        int key = era.ordinal() * SOURCES + source.ordinal();
        OnlineEpts o = state.online[key];
        if (o == null) {
            o = new OnlineEpts(era, source);
            state.online[key] = o;
        }
        return o.current(vm, state.vcpuChanges, this);
    }

    MemtypeMap of(MtrrState m) {
        return resolution(m).map();
    }

    /** The EPT map of {@code v}, the event's own vCPU, under {@code era} with {@code source}'s MTRRs; once per event. */
    MemtypeMap eptOfEventVcpu(KernelEra era, MtrrSource source, VcpuState v) {
        int key = era.ordinal() * SOURCES + source.ordinal();
        MemtypeMap e = eventVcpuEpt[key];
        if (e == null) {
            e = ept(era, v, source);
            eventVcpuEpt[key] = e;
        }
        return e;
    }

    /**
     * The EPT entries a fault by {@code faulting} installs under {@code era}, resolved from {@code source}'s MTRR
     * state. Where the era ignores the guest MTRRs (no non-coherent DMA, CR0.CD=1, v6.11: {@code vmx_get_mt_mask()}
     * returns before {@code kvm_mtrr_get_guest_memory_type()}) the map is one constant per slot, and the source
     * state is not even looked up (for {@link MtrrSource#VCPU0} that is another vCPU, cold in cache).
     */
    MemtypeMap ept(KernelEra era, VcpuState faulting, MtrrSource source) {
        boolean nc = vm.hasNoncoherentDma();
        int slot = era.ordinal() * 4 + (faulting.cd() ? 2 : 0) + (nc ? 1 : 0);
        if (!era.usesMtrr(nc, faulting.cd())) {
            return constant(slot, era, faulting);
        }
        PoliciesState.Resolution r = resolution(source.of(vm, faulting));
        MemtypeMap e = r.ept()[slot];
        if (e == null) {
            e = intern(EptView.of(era, vm, faulting, r.map()));
            r.ept()[slot] = e;
        }
        return e;
    }

    private MemtypeMap constant(int slot, KernelEra era, VcpuState faulting) {
        if (state.constantsSettings == null || !same(state.constantsSettings, vm.settings())) {
            state.constantsSettings = vm.settings();
            java.util.Arrays.fill(state.constants, null);
        }
        MemtypeMap e = state.constants[slot];
        if (e == null) {
            e = intern(EptView.of(era, vm, faulting, null));
            state.constants[slot] = e;
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

    private PoliciesState.Resolution resolution(MtrrState m) {
        for (int k = 0; k < memoStates.length; k++) {
            if (memoStates[k] == m) {
                return memoResolutions[k];
            }
        }
        PoliciesState.Resolution r = lookUp(m);
        memoStates[memoNext] = m;
        memoResolutions[memoNext] = r;
        memoNext = (memoNext + 1) & (memoStates.length - 1);
        return r;
    }

    /**
     * By identity while the state is unchanged; else by content (another vCPU, or this one earlier, held the same
     * MTRRs: {@link ResolvedStates}); else resolved, and shared with every state that resolves alike.
     */
    private PoliciesState.Resolution lookUp(MtrrState m) {
        VmSettings settings = vm.settings();
        PoliciesState.GuestMap g = state.guestMaps.get(m);
        if (g != null && g.modCount == m.modCount() && same(g.resolution.settings(), settings)) {
            return g.resolution;
        }
        PoliciesState.Resolution r;
        if (!m.enabled()) {
            // E=0: every page is mtrr_disabled_type(), whatever the other MSRs hold. Firmware and kernel clear E
            // before reprogramming (MtrrLib's pre-change hook, Linux's prepare_set()), so most writes land here:
            // 88 % of the content lookups on typicalFleet(42).
            r = disabledResolution(m, settings);
        } else {
            long print = ResolvedStates.fingerprint(m);
            r = state.resolvedStates.get(m, print, settings);
            if (r == null) {
                r = resolve(m, settings);
                state.resolvedStates.put(m, print, r);
            }
        }
        if (g != null) {
            g.modCount = m.modCount();
            g.resolution = r;
            return r;
        }
        if (state.guestMaps.size() > 4096) {
            state.guestMaps.clear();
        }
        state.guestMaps.put(m, new PoliciesState.GuestMap(m.modCount(), r));
        return r;
    }

    /** The resolution of any state with MTRRs disabled under {@code settings} (one map: the disabled type). */
    private PoliciesState.Resolution disabledResolution(MtrrState m, VmSettings settings) {
        PoliciesState.Resolution r = state.disabledResolution;
        if (r == null || !same(r.settings(), settings)) {
            r = resolve(m, settings);
            state.disabledResolution = r;
        }
        return r;
    }

    /** {@code kvm_mtrr_get_guest_memory_type()} over the whole space, the instance for that map under settings. */
    private PoliciesState.Resolution resolve(MtrrState m, VmSettings settings) {
        MemtypeMap map = KvmMtrrResolver.INSTANCE.resolve(m, settings);
        PoliciesState.Resolution r = state.resolutions.get(map);
        if (r == null || !same(r.settings(), settings)) {
            if (state.resolutions.size() > 4096) {
                state.resolutions.clear();
            }
            r = new PoliciesState.Resolution(settings, map, new MemtypeMap[PoliciesState.EPT_SLOTS]);
            state.resolutions.put(map, r);
        }
        return r;
    }

    private static boolean same(VmSettings a, VmSettings b) {
        return a == b || a.equals(b);
    }
}
