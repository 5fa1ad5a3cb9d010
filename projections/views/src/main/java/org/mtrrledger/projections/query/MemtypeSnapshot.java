package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.projections.memtype.EptEntry;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.MemtypeMap;

/**
 * The memtype map of one vCPU (or the per-VM copy) at one offset: per GFN range the guest-MTRR type (by the chosen
 * resolver) and the EPT entry {@code vmx_get_mt_mask()} of a kernel era would install for a fault by that vCPU now.
 * For the per-VM copy the EPT column assumes a faulting vCPU with CR0.CD=0. A snapshot covers every GFN a 64-bit
 * GPA names ({@link GuestMtrrResolver#GFN_SPACE}), resolved there as KVM resolves it, and splits at
 * 2^(MAXPHYADDR-12) so that the part beyond the guest's MAXPHYADDR is marked.
 */
public record MemtypeSnapshot(String vm, Integer vcpu, int partition, long offset, String resolver, String kernel,
        List<Range> ranges) {

    /**
     * Half-open [startGfn, endGfn); {@code memtype} is the guest-MTRR type, -1 where the SDM leaves it undefined;
     * {@code beyondMaxPhysAddr} when the range lies at or above 2^(MAXPHYADDR-12), where the guest cannot address.
     */
    public record Range(long startGfn, long endGfn, int memtype, int eptMemtype, boolean ipat,
            boolean beyondMaxPhysAddr) {
        /** The guest-MTRR type's name; UNDEFINED where the SDM leaves it so ({@link GuestMtrrResolver#UNDEFINED}). */
        public String memtypeLabel() {
            return memtype < 0 ? "UNDEFINED" : MemType.label(memtype);
        }

        public String eptMemtypeLabel() {
            return MemType.label(eptMemtype);
        }
    }

    public static MemtypeSnapshot of(VmState vm, PerVmCopy perVm, SnapshotTarget target, int partition, long offset,
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
            m = perVm.mtrr();
            cd = false;
            vcpu = null;
        }
        long space = GuestMtrrResolver.GFN_SPACE;
        MemtypeMap guest = resolver.resolve(m, vm.settings(), space);
        boolean nc = vm.hasNoncoherentDma();
        boolean quirk = vm.settings().quirkCdNwCleared();
        // EPT always follows KVM's own resolution of the MTRRs, whatever resolver the guest-MTRR column uses.
        MemtypeMap kvm = resolver.name().equals("kvm") ? guest
                : org.mtrrledger.projections.memtype.KvmMtrrResolver.INSTANCE.resolve(m, vm.settings(), space);
        MemtypeMap both = guest.zip(kvm, (g, k) -> (g & 0xFFFF) << 16 | era.ept(nc, cd, quirk, k));
        long limit = vm.settings().gfnLimit();
        List<Range> out = new ArrayList<>(both.size() + 1);
        for (int i = 0; i < both.size(); i++) {
            int v = both.value(i);
            int g = (short) (v >>> 16);
            int ept = v & 0xFFFF;
            long start = both.start(i);
            long end = both.end(i);
            if (start < limit && end > limit) {
                out.add(new Range(start, limit, g, EptEntry.memtype(ept), EptEntry.ipat(ept), false));
                start = limit;
            }
            out.add(new Range(start, end, g, EptEntry.memtype(ept), EptEntry.ipat(ept), start >= limit));
        }
        return new MemtypeSnapshot(vm.vm(), vcpu, partition, offset, resolver.name(), era.label, out);
    }

    /** Only the range holding {@code gfn}. */
    public MemtypeSnapshot at(long gfn) {
        return new MemtypeSnapshot(vm, vcpu, partition, offset, resolver, kernel,
                ranges.stream().filter(r -> gfn >= r.startGfn() && gfn < r.endGfn()).toList());
    }
}
