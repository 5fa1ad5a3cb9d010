package org.mtrrledger.projections.ledger;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.projections.memtype.EptView;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;
import org.mtrrledger.projections.memtype.MemtypeMap;
import org.mtrrledger.projections.zap.MtrrSource;

/**
 * KVM's guest-MTRR map of each vCPU and the EPT maps derived from it, recomputed only when that vCPU's MTRRs (or
 * the VM settings) changed since the last event that needed it: after a full zap every online vCPU is re-added,
 * and most of them have not changed. Part of the policies' memo ({@link PolicyMemo}): one instance per VM ledger,
 * never encoded; {@link #forEvent} starts each event.
 *
 * <p>The lookups, cheapest first, each a memo of the next:
 * <ol>
 *   <li>this event's answers: {@link #eventVcpuEpt} and the last few states resolved ({@link #memoStates});
 *   <li>per MTRR state object, its resolution while its {@link MtrrState#modCount()} and the settings hold
 *       ({@link #byState}; the keys are this ledger's own states, one per vCPU plus the per-VM copy);
 *   <li>per MTRR content: {@link ResolvedStates} (a write usually gives a content another vCPU held before), and
 *       one resolution for every state with MTRRs disabled ({@link #disabled});
 *   <li>{@code KvmMtrrResolver}, then one {@link Resolution} per distinct map ({@link #resolutions}) so that
 *       states resolving alike share their EPT maps, which are interned ({@link #interned}) so that equal maps are
 *       the same object and can be compared by identity ({@link OnlineEpts}, {@link AddedMaps}).
 * </ol>
 * The maps keyed by content are bounded by {@link #MAX_DISTINCT_MAPS}; forgetting them costs a recomputation,
 * never a different answer.
 */
final class GuestMapCache {
    static final KernelEra[] ERAS = KernelEra.values();
    static final int SOURCES = MtrrSource.values().length;
    /** EPT maps kept per (kernel era, CR0.CD, non-coherent DMA): {@code era * 4 + cd * 2 + nc}. */
    static final int EPT_SLOTS = ERAS.length * 4;
    /**
     * Distinct resolved maps and interned EPT maps kept: a boot goes through a few dozen per VM, so the bound only
     * matters for a VM whose MTRRs never settle.
     */
    static final int MAX_DISTINCT_MAPS = 4096;

    /**
     * The resolution of one MTRR state, valid while its {@link MtrrState#modCount()} is unchanged; updated in place
     * when the state changed (an entry per write would be garbage at once).
     */
    static final class ByState {
        long modCount;
        Resolution resolution;

        ByState(long modCount, Resolution resolution) {
            this.modCount = modCount;
            this.resolution = resolution;
        }
    }

    /**
     * A resolved map under {@code settings} plus the EPT maps derived from it, one slot per (kernel era, CR0.CD,
     * non-coherent DMA).
     */
    record Resolution(VmSettings settings, MemtypeMap map, MemtypeMap[] ept) {
    }

    /** The VM state and the per-VM copy after the event being projected. */
    private VmState vm;
    private PerVmCopy perVm;

    /** By {@code era * SOURCES + source}: {@link #eptOfEventVcpu} of this event, null until asked. */
    private final MemtypeMap[] eventVcpuEpt = new MemtypeMap[ERAS.length * SOURCES];

    /**
     * The MTRR states resolved during this event and their resolutions: the policies ask for the same few states
     * (the event's vCPU's, vCPU 0's, the per-VM copy) again and again, alternating, and within one event neither
     * their modification counts nor the settings move. Filled round robin.
     */
    private final MtrrState[] memoStates = new MtrrState[4];
    private final Resolution[] memoResolutions = new Resolution[4];
    private int memoNext;

    private final IdentityHashMap<MtrrState, ByState> byState = new IdentityHashMap<>();
    private final ResolvedStates resolvedStates = new ResolvedStates();
    /** The resolution of every state with MTRRs disabled (E=0), under its settings; null until used. */
    private Resolution disabled;
    private final HashMap<MemtypeMap, Resolution> resolutions = new HashMap<>();
    private final HashMap<MemtypeMap, MemtypeMap> interned = new HashMap<>();
    /** The EPT maps of the slots whose era ignores the guest MTRRs (constant over the GFN space), for {@link #constantsSettings}. */
    private final MemtypeMap[] constants = new MemtypeMap[EPT_SLOTS];
    private VmSettings constantsSettings;

    /** The vCPUs that had events, for {@link #online}. */
    private final VcpuChanges vcpuChanges = new VcpuChanges();
    /** By {@code era * SOURCES + source}: every online vCPU's EPT map ({@link OnlineEpts}); null until used. */
    private final OnlineEpts[] online = new OnlineEpts[ERAS.length * SOURCES];

    /** Starts an event: {@code vm} and {@code perVm} are the states after its folds, {@code eventVcpu} its vCPU. */
    GuestMapCache forEvent(VmState vm, PerVmCopy perVm, int eventVcpu) {
        this.vm = vm;
        this.perVm = perVm;
        vcpuChanges.record(vm, eventVcpu);
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
        OnlineEpts o = online[key];
        if (o == null) {
            o = new OnlineEpts(era, source);
            online[key] = o;
        }
        return o.current(vm, perVm, vcpuChanges, this);
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
        Resolution r = resolution(source.of(vm, perVm, faulting));
        MemtypeMap e = r.ept()[slot];
        if (e == null) {
            e = intern(EptView.of(era, vm, faulting, r.map()));
            r.ept()[slot] = e;
        }
        return e;
    }

    private MemtypeMap constant(int slot, KernelEra era, VcpuState faulting) {
        if (constantsSettings == null || !same(constantsSettings, vm.settings())) {
            constantsSettings = vm.settings();
            java.util.Arrays.fill(constants, null);
        }
        MemtypeMap e = constants[slot];
        if (e == null) {
            e = intern(EptView.of(era, vm, faulting, null));
            constants[slot] = e;
        }
        return e;
    }

    /**
     * One instance per distinct map, so that vCPUs in the same state (the common case: every AP after the firmware
     * and the kernel programmed them alike) yield the very same object and are added once by identity.
     */
    private MemtypeMap intern(MemtypeMap m) {
        MemtypeMap known = interned.putIfAbsent(m, m);
        if (interned.size() > MAX_DISTINCT_MAPS) {
            interned.clear();
        }
        return known == null ? m : known;
    }

    private Resolution resolution(MtrrState m) {
        for (int k = 0; k < memoStates.length; k++) {
            if (memoStates[k] == m) {
                return memoResolutions[k];
            }
        }
        Resolution r = lookUp(m);
        memoStates[memoNext] = m;
        memoResolutions[memoNext] = r;
        memoNext = (memoNext + 1) & (memoStates.length - 1);
        return r;
    }

    /**
     * By identity while the state is unchanged; else by content (another vCPU, or this one earlier, held the same
     * MTRRs: {@link ResolvedStates}); else resolved, and shared with every state that resolves alike.
     */
    private Resolution lookUp(MtrrState m) {
        VmSettings settings = vm.settings();
        ByState g = byState.get(m);
        if (g != null && g.modCount == m.modCount() && same(g.resolution.settings(), settings)) {
            return g.resolution;
        }
        Resolution r;
        if (!m.enabled()) {
            // E=0: every page is mtrr_disabled_type(), whatever the other MSRs hold. Firmware and kernel clear E
            // before reprogramming (MtrrLib's pre-change hook, Linux's prepare_set()), so most writes land here:
            // 88 % of the content lookups on typicalFleet(42).
            r = disabledResolution(m, settings);
        } else {
            long print = ResolvedStates.fingerprint(m);
            r = resolvedStates.get(m, print, settings);
            if (r == null) {
                r = resolve(m, settings);
                resolvedStates.put(m, print, r);
            }
        }
        if (g != null) {
            g.modCount = m.modCount();
            g.resolution = r;
            return r;
        }
        byState.put(m, new ByState(m.modCount(), r));
        return r;
    }

    /** The resolution of any state with MTRRs disabled under {@code settings} (one map: the disabled type). */
    private Resolution disabledResolution(MtrrState m, VmSettings settings) {
        Resolution r = disabled;
        if (r == null || !same(r.settings(), settings)) {
            r = resolve(m, settings);
            disabled = r;
        }
        return r;
    }

    /** {@code kvm_mtrr_get_guest_memory_type()} over the whole space, the instance for that map under settings. */
    private Resolution resolve(MtrrState m, VmSettings settings) {
        MemtypeMap map = KvmMtrrResolver.INSTANCE.resolve(m, settings);
        Resolution r = resolutions.get(map);
        if (r == null || !same(r.settings(), settings)) {
            if (resolutions.size() > MAX_DISTINCT_MAPS) {
                resolutions.clear();
            }
            r = new Resolution(settings, map, new MemtypeMap[EPT_SLOTS]);
            resolutions.put(map, r);
        }
        return r;
    }

    private static boolean same(VmSettings a, VmSettings b) {
        return a == b || a.equals(b);
    }
}
