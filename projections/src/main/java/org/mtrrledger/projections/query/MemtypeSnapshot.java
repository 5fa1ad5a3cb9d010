package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.mtrr.MtrrState;
import org.mtrrledger.projections.memtype.EptEntry;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.MemtypeMap;

/**
 * The memtype map of one vCPU (or the per-VM copy) at one offset: per GFN range the guest-MTRR type (by the chosen
 * resolver) and the EPT entry {@code vmx_get_mt_mask()} of a kernel era would install for a fault by that vCPU now.
 * For the per-VM copy the EPT column assumes a faulting vCPU with CR0.CD=0.
 */
public record MemtypeSnapshot(String vm, Integer vcpu, int partition, long offset, String resolver, String kernel,
        List<Range> ranges) {

    /** Half-open [startGfn, endGfn); {@code memtype} is the guest-MTRR type, -1 where the SDM leaves it undefined. */
    public record Range(long startGfn, long endGfn, int memtype, int eptMemtype, boolean ipat) {
    }

    public static MemtypeSnapshot of(VmState vm, SnapshotTarget target, int partition, long offset,
            GuestMtrrResolver resolver, KernelEra era) {
        MtrrState m;
        boolean cd;
        Integer vcpu;
        if (target instanceof SnapshotTarget.Vcpu v) {
            VcpuState s = vm.vcpu(v.index());
            if (s == null) {
                throw new IllegalArgumentException("VM '" + vm.vm() + "' has no vCPU " + v.index() + " at offset "
                        + offset);
            }
            m = s.mtrr();
            cd = s.cd();
            vcpu = v.index();
        } else {
            m = vm.perVmCopy();
            cd = false;
            vcpu = null;
        }
        MemtypeMap guest = resolver.resolve(m, vm.settings());
        boolean nc = vm.hasNoncoherentDma();
        boolean quirk = vm.settings().quirkCdNwCleared();
        // EPT always follows KVM's own resolution of the MTRRs, whatever resolver the guest-MTRR column uses.
        MemtypeMap kvm = resolver.name().equals("kvm") ? guest
                : org.mtrrledger.projections.memtype.KvmMtrrResolver.INSTANCE.resolve(m, vm.settings());
        MemtypeMap both = guest.zip(kvm, (g, k) -> (g & 0xFFFF) << 16 | era.ept(nc, cd, quirk, k));
        List<Range> out = new ArrayList<>(both.size());
        for (int i = 0; i < both.size(); i++) {
            int v = both.value(i);
            int g = (short) (v >>> 16);
            int ept = v & 0xFFFF;
            out.add(new Range(both.start(i), both.end(i), g, EptEntry.memtype(ept), EptEntry.ipat(ept)));
        }
        return new MemtypeSnapshot(vm.vm(), vcpu, partition, offset, resolver.name(), era.label, out);
    }

    /** Only the range holding {@code gfn}. */
    public MemtypeSnapshot at(long gfn) {
        return new MemtypeSnapshot(vm, vcpu, partition, offset, resolver, kernel,
                ranges.stream().filter(r -> gfn >= r.startGfn() && gfn < r.endGfn()).toList());
    }
}
