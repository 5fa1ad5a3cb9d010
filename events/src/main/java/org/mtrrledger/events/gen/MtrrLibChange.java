package org.mtrrledger.events.gen;

import java.util.ArrayList;
import java.util.List;

/**
 * edk2 MtrrLib's write protocol around any MTRR change (doc §7.2, [F6]):
 * {@code MtrrLibPreMtrrChange} = AsmDisableCache (CR0.CD=1, NW=0) + DEF_TYPE with only E cleared (0xC06 → 0x406);
 * the MSR writes; {@code MtrrLibPostMtrrChange} = DEF_TYPE with E set + AsmEnableCache (CD=0, NW=0).
 * {@code MtrrSetAllMtrrs} writes the target DEF_TYPE instead of just setting E.
 */
final class MtrrLibChange {
    private MtrrLibChange() {
    }

    static List<GuestOp> pre(VcpuState cpu) {
        return pre(cpu.cr0, cpu.regs.defType);
    }

    /** {@code MtrrLibPreMtrrChange} on a CPU whose CR0 and DEF_TYPE will be {@code cr0} and {@code defType}. */
    static List<GuestOp> pre(long cr0, long defType) {
        return List.of(GuestOp.cr0((cr0 | Cr0.CD) & ~Cr0.NW), GuestOp.wrmsr(Msrs.DEF_TYPE, defType & ~Msrs.DEF_TYPE_E));
    }

    static List<GuestOp> post(long cr0BeforePre, long defTypeToWrite) {
        return List.of(GuestOp.wrmsr(Msrs.DEF_TYPE, defTypeToWrite),
                GuestOp.cr0(cr0BeforePre & ~(Cr0.CD | Cr0.NW)));
    }

    /** {@code MtrrSetAllMtrrs}: pre, all 11 fixed, all base/mask pairs, DEF_TYPE = target, enable cache. */
    static List<GuestOp> setAll(VcpuState cpu, MtrrRegisters target) {
        return setAll(cpu.cr0, cpu.regs.defType, target);
    }

    /** {@code MtrrSetAllMtrrs} on a CPU whose CR0 and DEF_TYPE will be {@code cr0} and {@code defType} when it runs. */
    static List<GuestOp> setAll(long cr0, long defType, MtrrRegisters target) {
        List<GuestOp> ops = new ArrayList<>(31);
        ops.addAll(pre(cr0, defType));
        ops.addAll(allRegisterWrites(target));
        ops.addAll(post(cr0, target.defType));
        return ops;
    }

    /** The "update" part of MtrrSetAllMtrrs: MtrrSetFixedMtrrWorker, then each variable pair (base, mask). */
    static List<GuestOp> allRegisterWrites(MtrrRegisters target) {
        List<GuestOp> ops = new ArrayList<>(27);
        for (int f = 0; f < Msrs.FIXED.length; f++) {
            ops.add(GuestOp.wrmsr(Msrs.FIXED[f], target.fixed[f]));
        }
        for (int i = 0; i < Msrs.VAR_COUNT; i++) {
            ops.add(GuestOp.wrmsr(Msrs.physBase(i), target.base[i]));
            ops.add(GuestOp.wrmsr(Msrs.physMask(i), target.mask[i]));
        }
        return ops;
    }

    /**
     * {@code MtrrSetMemoryAttribute(base, length, UC)}: set the fixed bytes below 1 MiB, cover the rest with naturally
     * aligned power-of-two variable ranges in free slots (a simple stand-in for MtrrLib's range calculator, exact
     * for the aligned power-of-two ranges OVMF asks for), and write only the MSRs that changed, inside pre/post.
     */
    static List<GuestOp> setMemoryAttributeUc(VcpuState cpu, long base, long length, int physBits) {
        MtrrRegisters target = cpu.regs.copy();
        long end = base + length;
        long fixedEnd = Math.min(end, 0x100000L);
        for (long a = base; a < fixedEnd; ) {
            a = clearFixedUnit(target, a);
        }
        for (long a = Math.max(base, 0x100000L); a < end; ) {
            long size = Long.lowestOneBit(a == 0 ? Long.highestOneBit(end) : a);
            while (a + size > end) {
                size >>= 1;
            }
            int slot = target.firstFreeVariable();
            if (slot < 0) {
                throw new IllegalStateException("out of variable MTRRs for UC range at " + Long.toHexString(a));
            }
            target.base[slot] = a | Msrs.UC;
            target.mask[slot] = Msrs.maskFor(size, physBits);
            a += size;
        }
        List<GuestOp> writes = new ArrayList<>();
        for (int f = 0; f < Msrs.FIXED.length; f++) {
            if (target.fixed[f] != cpu.regs.fixed[f]) {
                writes.add(GuestOp.wrmsr(Msrs.FIXED[f], target.fixed[f]));
            }
        }
        for (int i = 0; i < Msrs.VAR_COUNT; i++) {
            if (target.base[i] != cpu.regs.base[i] || target.mask[i] != cpu.regs.mask[i]) {
                writes.add(GuestOp.wrmsr(Msrs.physBase(i), target.base[i]));
                writes.add(GuestOp.wrmsr(Msrs.physMask(i), target.mask[i]));
            }
        }
        if (writes.isEmpty()) {
            return List.of();
        }
        List<GuestOp> ops = new ArrayList<>(pre(cpu));
        ops.addAll(writes);
        ops.addAll(post(cpu.cr0, cpu.regs.defType | Msrs.DEF_TYPE_E));
        return ops;
    }

    /** Sets the fixed-range byte covering {@code addr} to UC; returns the address after that unit. */
    private static long clearFixedUnit(MtrrRegisters r, long addr) {
        int msr;
        long unit;
        long segStart;
        if (addr < 0x80000L) {
            msr = 0;
            unit = 0x10000L;
            segStart = 0;
        } else if (addr < 0xC0000L) {
            msr = addr < 0xA0000L ? 1 : 2;
            unit = 0x4000L;
            segStart = addr < 0xA0000L ? 0x80000L : 0xA0000L;
        } else {
            msr = 3 + (int) ((addr - 0xC0000L) / 0x8000L);
            unit = 0x1000L;
            segStart = 0xC0000L + (msr - 3) * 0x8000L;
        }
        int byteIndex = (int) ((addr - segStart) / unit);
        r.fixed[msr] &= ~(0xffL << (8 * byteIndex));
        return segStart + (byteIndex + 1) * unit;
    }
}
