package org.mtrrledger.events.gen;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * @param cpu         the CPU running it (its own current registers are what {@code rdmsr} returns)
     * @param kernelState the kernel's {@code mtrr_state}, read from the BSP by {@code mtrr_bp_init()}
     */
    static List<GuestOp> cacheCpuInit(VcpuState cpu, MtrrRegisters kernelState) {
        long cr0 = cpu.cr0;
        long deftype = cpu.regs.defType;
        List<GuestOp> ops = new ArrayList<>();
        ops.add(GuestOp.cr0(cr0 | Cr0.CD));
        ops.add(GuestOp.wrmsr(Msrs.DEF_TYPE, deftype & ~Msrs.DEF_TYPE_ENABLE_AND_TYPE));
        for (int i = 0; i < Msrs.VAR_COUNT; i++) {
            if (cpu.regs.base[i] != kernelState.base[i]) {
                ops.add(GuestOp.wrmsr(Msrs.physBase(i), kernelState.base[i]));
            }
            if (cpu.regs.mask[i] != kernelState.mask[i]) {
                ops.add(GuestOp.wrmsr(Msrs.physMask(i), kernelState.mask[i]));
            }
        }
        for (int f = 0; f < Msrs.FIXED.length; f++) {
            if (cpu.regs.fixed[f] != kernelState.fixed[f]) {
                ops.add(GuestOp.wrmsr(Msrs.FIXED[f], kernelState.fixed[f]));
            }
        }
        long wanted = kernelState.defType & Msrs.DEF_TYPE_ENABLE_AND_TYPE;
        long restored = (deftype & Msrs.DEF_TYPE_ENABLE_AND_TYPE) == wanted
                ? deftype
                : (deftype & ~Msrs.DEF_TYPE_ENABLE_AND_TYPE) | wanted;
        ops.add(GuestOp.wrmsr(Msrs.PAT, Msrs.PAT_LINUX));
        ops.add(GuestOp.wrmsr(Msrs.DEF_TYPE, restored));
        ops.add(GuestOp.cr0(cr0 & ~Cr0.CD));
        return ops;
    }
}
