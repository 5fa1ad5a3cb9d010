package org.mtrrledger.projections.ledger;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.MemtypeMap;
import org.mtrrledger.projections.zap.MtrrSource;

/**
 * For one (kernel era, memtype source): the EPT map of every online vCPU and the distinct ones among them, kept
 * across events, so that re-adding every vCPU after a zap does not look up every vCPU's state again. Part of the
 * memo ({@link GuestMapCache}): not encoded.
 *
 * <p>Kept current without trusting any reading of the event: {@code Fold} mutates at most the event's own vCPU, so
 * only the entries of the vCPUs that had events since the last use are recomputed ({@link VcpuChanges}); the vCPU
 * list (a new object whenever a vCPU is added), the settings object (new at every vm_config) and the non-coherent
 * DMA flag are compared on every use, and a change of any of those recomputes every entry. With a shared MTRR state
 * ({@link MtrrSource#VCPU0}, {@link MtrrSource#PER_VM_COPY}) a vCPU's map depends on that state and on the vCPU
 * only through being online and its CR0.CD ({@link #kinds}): when only the shared state moved (its identity or
 * modification count), the at most two maps are looked up again and handed to every position by its kind, without
 * reading the vCPUs.
 *
 * <p>The distinct maps are kept with the number of positions holding each, so a position that changes costs a look
 * at the (one to three) distinct maps instead of a scan of every position.
 */
final class OnlineEpts {
    private static final byte OFFLINE = 0;
    private static final byte CD_CLEAR = 1;
    private static final byte CD_SET = 2;

    private final KernelEra era;
    private final MtrrSource source;

    private List<VcpuState> vcpus;
    private VmSettings settings;
    private boolean noncoherentDma;
    private MtrrState shared;
    private long sharedModCount;
    private long eventCount = -1;
    /** By position in {@link #vcpus}; null for an offline vCPU. */
    private MemtypeMap[] byPosition = new MemtypeMap[0];
    /** By position: offline, or online with CR0.CD clear or set, as of the last look at that vCPU. */
    private byte[] kinds = new byte[0];
    /** The maps held by at least one position, in the order they were first held, and how many hold each. */
    private final List<MemtypeMap> distinct = new ArrayList<>(2);
    private int[] holders = new int[4];

    OnlineEpts(KernelEra era, MtrrSource source) {
        this.era = era;
        this.source = source;
    }

    /**
     * The distinct EPT maps (by identity: they are interned) of the online vCPUs of {@code vm} now. Their order is
     * not the vCPUs': all of them are added with the same event offset, and adds of one offset commute.
     *
     * @param changes the vCPUs that had events, already told about the current one
     */
    List<MemtypeMap> current(VmState vm, PerVmCopy perVm, VcpuChanges changes, GuestMapCache maps) {
        MtrrState sharedNow = sharedState(vm, perVm);
        boolean sameLayout = vcpus == vm.vcpus() && settings == vm.settings()
                && noncoherentDma == vm.hasNoncoherentDma() && (shared == null) == (sharedNow == null);
        if (!sameLayout || changes.everyVcpuSince(eventCount)) {
            rebuild(vm, sharedNow, maps);
        } else {
            if (vm.eventCount() != eventCount) {
                if (changes.onlyLatestSince(eventCount)) {
                    // Current as of the previous event (the usual case in a burst of zaps): one vCPU at most to redo.
                    int k = changes.latestPosition();
                    if (k >= 0) {
                        recompute(k, maps);
                    }
                } else {
                    for (int k = 0; k < byPosition.length; k++) {
                        if (changes.changedSince(k, eventCount)) {
                            recompute(k, maps);
                        }
                    }
                }
            }
            if (sharedNow != null && (sharedNow != shared || sharedNow.modCount() != sharedModCount)) {
                // After the recomputes above every kind is current, so any vCPU of a kind stands for all of them.
                refreshShared(maps);
            }
        }
        vcpus = vm.vcpus();
        settings = vm.settings();
        noncoherentDma = vm.hasNoncoherentDma();
        shared = sharedNow;
        sharedModCount = sharedNow == null ? 0 : sharedNow.modCount();
        eventCount = vm.eventCount();
        return distinct;
    }

    /** Looks up the vCPU at position {@code k} again. */
    private void recompute(int k, GuestMapCache maps) {
        VcpuState v = vcpus.get(k);
        kinds[k] = kindOf(v);
        place(k, ept(v, maps));
    }

    /** Every online position gets the map of its kind under the shared state now. */
    private void refreshShared(GuestMapCache maps) {
        MemtypeMap cdClear = null;
        MemtypeMap cdSet = null;
        for (int k = 0; k < byPosition.length; k++) {
            if (kinds[k] == CD_SET) {
                cdSet = cdSet == null ? ept(vcpus.get(k), maps) : cdSet;
                place(k, cdSet);
            } else if (kinds[k] == CD_CLEAR) {
                cdClear = cdClear == null ? ept(vcpus.get(k), maps) : cdClear;
                place(k, cdClear);
            }
        }
    }

    /** Position {@code k} holds {@code e} (null: offline) from now on. */
    private void place(int k, MemtypeMap e) {
        MemtypeMap old = byPosition[k];
        if (old == e) {
            return;
        }
        byPosition[k] = e;
        if (old != null) {
            int i = indexOfSame(old);
            if (--holders[i] == 0) {
                distinct.remove(i);
                System.arraycopy(holders, i + 1, holders, i, distinct.size() - i);
            }
        }
        if (e != null) {
            int i = indexOfSame(e);
            if (i >= 0) {
                holders[i]++;
            } else {
                if (distinct.size() == holders.length) {
                    holders = java.util.Arrays.copyOf(holders, holders.length * 2);
                }
                holders[distinct.size()] = 1;
                distinct.add(e);
            }
        }
    }

    private int indexOfSame(MemtypeMap m) {
        for (int i = 0; i < distinct.size(); i++) {
            if (distinct.get(i) == m) {
                return i;
            }
        }
        return -1;
    }

    private MtrrState sharedState(VmState vm, PerVmCopy perVm) {
        return switch (source) {
            case FAULTING_VCPU -> null;
            case VCPU0 -> {
                VcpuState v0 = vm.vcpu(0);
                yield v0 == null ? null : v0.mtrr();
            }
            case PER_VM_COPY -> perVm.mtrr();
        };
    }

    /**
     * Every entry anew. With one MTRR state shared by all vCPUs the map depends on the vCPU only through CR0.CD, so
     * it is looked up at most twice.
     */
    private void rebuild(VmState vm, MtrrState sharedNow, GuestMapCache maps) {
        List<VcpuState> all = vm.vcpus();
        if (byPosition.length != all.size()) {
            byPosition = new MemtypeMap[all.size()];
            kinds = new byte[all.size()];
        } else {
            java.util.Arrays.fill(byPosition, null);
        }
        distinct.clear();
        MemtypeMap cdClear = null;
        MemtypeMap cdSet = null;
        for (int k = 0; k < byPosition.length; k++) {
            VcpuState v = all.get(k);
            kinds[k] = kindOf(v);
            if (sharedNow == null || kinds[k] == OFFLINE) {
                place(k, ept(v, maps));
            } else if (kinds[k] == CD_SET) {
                cdSet = cdSet == null ? ept(v, maps) : cdSet;
                place(k, cdSet);
            } else {
                cdClear = cdClear == null ? ept(v, maps) : cdClear;
                place(k, cdClear);
            }
        }
        vcpus = all;
    }

    private static byte kindOf(VcpuState v) {
        return !v.online() ? OFFLINE : v.cd() ? CD_SET : CD_CLEAR;
    }

    private MemtypeMap ept(VcpuState v, GuestMapCache maps) {
        return v.online() ? maps.ept(era, v, source) : null;
    }
}
