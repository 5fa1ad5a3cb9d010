package org.mtrrledger.events.gen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;

/**
 * Runtime {@code mtrr_add()}/{@code mtrr_del()} (doc §7.3): {@code set_mtrr()} rendezvous on all online CPUs, each
 * running {@code generic_set_mtrr()}: cache_disable (CR0 |= CD, DEF_TYPE & ~0xCFF), PHYSBASE then PHYSMASK (or only
 * PHYSMASK = 0 to delete), cache_enable (DEF_TYPE restored, CR0 &= ~CD). No PAT write. The kernel's
 * {@code mtrr_state} follows (a delete zeroes the whole slot, base included).
 */
final class LinuxMtrrRendezvous {
    private LinuxMtrrRendezvous() {
    }

    /** {@code mtrr_add(base, size, type)} into the first free slot; returns the slot. */
    static int add(VmSink sink, LinuxKernel kernel, long base, long size, int type) {
        int slot = kernel.mtrrState.firstFreeVar();
        if (slot < 0) {
            throw new IllegalStateException("no free variable MTRR for mtrr_add");
        }
        long baseValue = base | type;
        long maskValue = MtrrState.physMaskFor(size, sink.physBits());
        kernel.mtrrState.write(MtrrMsr.VAR_BASE, MtrrMsr.physBase(slot), baseValue, sink.physBits());
        kernel.mtrrState.write(MtrrMsr.VAR_MASK, MtrrMsr.physMask(slot), maskValue, sink.physBits());
        run(sink, List.of(GuestOp.wrmsr(MtrrMsr.physBase(slot), baseValue),
                GuestOp.wrmsr(MtrrMsr.physMask(slot), maskValue)));
        return slot;
    }

    /** {@code mtrr_del(slot)}: {@code mtrr_wrmsr(MTRRphysMask_MSR(reg), 0, 0)} on every CPU. */
    static void delete(VmSink sink, LinuxKernel kernel, int slot) {
        kernel.mtrrState.write(MtrrMsr.VAR_BASE, MtrrMsr.physBase(slot), 0, sink.physBits());
        kernel.mtrrState.write(MtrrMsr.VAR_MASK, MtrrMsr.physMask(slot), 0, sink.physBits());
        run(sink, List.of(GuestOp.wrmsr(MtrrMsr.physMask(slot), 0)));
    }

    private static void run(VmSink sink, List<GuestOp> writes) {
        Map<Integer, List<GuestOp>> perCpu = new LinkedHashMap<>();
        for (int cpu : sink.onlineVcpus()) {
            long cr0 = sink.cr0(cpu);
            long deftype = sink.mtrrs(cpu).deftype();
            List<GuestOp> ops = new ArrayList<>();
            ops.add(GuestOp.cr0(cr0 | Cr0.CD));
            ops.add(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_DEF_TYPE, deftype & ~LinuxKernel.DEF_TYPE_ENABLE_AND_TYPE));
            ops.addAll(writes);
            ops.add(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_DEF_TYPE, deftype));
            ops.add(GuestOp.cr0(cr0 & ~Cr0.CD));
            perCpu.put(cpu, ops);
        }
        Interleaver.run(sink, perCpu);
    }
}
