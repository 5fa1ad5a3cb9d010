package org.mtrrledger.events.gen;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;

/**
 * Linux v6.3 {@code cache_cpu_init()} (arch/x86/kernel/cpu/cacheinfo.c + mtrr/generic.c, doc §7.3) on one CPU:
 * {@code cache_disable()} (CR0 |= CD; {@code mtrr_disable()} writes DEF_TYPE & ~0xCFF), {@code mtrr_generic_set_state()}
 * ({@code set_mtrr_state()}: each variable pair, then the fixed MSRs, written only where they differ from the kernel's
 * {@code mtrr_state}; the saved DEF_TYPE adjusted if type/E/FE differ), {@code pat_cpu_init()} (PAT
 * 0x0407050600070106, unconditional), {@code cache_enable()} (DEF_TYPE restored, CR0 &= ~CD). Linux 6.1's
 * {@code generic_set_all()} is the same; an AP whose MTRRs an INIT cleared gets every non-zero MSR rewritten
 * (samples/captures/ovmf-linux-8vcpu-16g-q35-dma.trace:1589-1599: 200, 201, 202, 203, 250, 258).
 */
final class LinuxCacheInit {
    private LinuxCacheInit() {
    }

    /** Linux's PAT: WB WC UC- UC WB WP UC- WT (doc §1.5). */
    static final long PAT_LINUX = 0x0407050600070106L;

    /**
     * @param cpu         the CPU running it (its own current registers are what {@code rdmsr} returns)
     * @param kernelState the kernel's {@code mtrr_state}, read from the BSP by {@code mtrr_bp_init()}
     */
    static List<GuestOp> cacheCpuInit(VmSink sink, int cpu, MtrrState kernelState) {
        long cr0 = sink.cr0(cpu);
        MtrrState regs = sink.mtrrs(cpu);
        long deftype = regs.deftype();
        List<GuestOp> ops = new ArrayList<>();
        ops.add(GuestOp.cr0(cr0 | Cr0.CD));
        ops.add(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_DEF_TYPE, deftype & ~LinuxKernel.DEF_TYPE_ENABLE_AND_TYPE));
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            if (regs.base(i) != kernelState.base(i)) {
                ops.add(GuestOp.wrmsr(MtrrMsr.physBase(i), kernelState.base(i)));
            }
            long mask = kernelState.rdmsr(MtrrMsr.physMask(i), sink.physBits());
            if (sink.rdmsr(cpu, MtrrMsr.physMask(i)) != mask) {
                ops.add(GuestOp.wrmsr(MtrrMsr.physMask(i), mask));
            }
        }
        for (int msr : FixedMtrr.msrs()) {
            long wanted = kernelState.stored(MtrrMsr.FIXED, msr);
            if (regs.stored(MtrrMsr.FIXED, msr) != wanted) {
                ops.add(GuestOp.wrmsr(msr, wanted));
            }
        }
        long wanted = kernelState.deftype() & LinuxKernel.DEF_TYPE_ENABLE_AND_TYPE;
        long restored = (deftype & LinuxKernel.DEF_TYPE_ENABLE_AND_TYPE) == wanted
                ? deftype
                : (deftype & ~LinuxKernel.DEF_TYPE_ENABLE_AND_TYPE) | wanted;
        ops.add(GuestOp.wrmsr(MtrrMsr.MSR_IA32_CR_PAT, PAT_LINUX));
        ops.add(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_DEF_TYPE, restored));
        ops.add(GuestOp.cr0(cr0 & ~Cr0.CD));
        return ops;
    }
}
