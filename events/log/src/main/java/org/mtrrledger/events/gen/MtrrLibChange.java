package org.mtrrledger.events.gen;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.Hex;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;

/**
 * edk2 MtrrLib's write protocol around any MTRR change (doc §7.2, [F6]):
 * {@code MtrrLibPreMtrrChange} = AsmDisableCache (CR0.CD=1, NW=0) + DEF_TYPE with only E cleared (0xC06 → 0x406);
 * the MSR writes; {@code MtrrLibPostMtrrChange} = DEF_TYPE with E set + AsmEnableCache (CD=0, NW=0).
 * {@code MtrrSetAllMtrrs} writes the target DEF_TYPE instead of just setting E.
 */
final class MtrrLibChange {
    private MtrrLibChange() {
    }

    static List<GuestOp> pre(VmSink sink, int cpu) {
        return pre(sink.cr0(cpu), sink.mtrrs(cpu).deftype());
    }

    /** {@code MtrrLibPreMtrrChange} on a CPU whose CR0 and DEF_TYPE will be {@code cr0} and {@code defType}. */
    static List<GuestOp> pre(long cr0, long defType) {
        return List.of(GuestOp.cr0((cr0 | Cr0.CD) & ~Cr0.NW),
                GuestOp.wrmsr(MtrrMsr.MSR_MTRR_DEF_TYPE, defType & ~MtrrState.DEF_TYPE_E));
    }

    static List<GuestOp> post(long cr0BeforePre, long defTypeToWrite) {
        return List.of(GuestOp.wrmsr(MtrrMsr.MSR_MTRR_DEF_TYPE, defTypeToWrite),
                GuestOp.cr0(cr0BeforePre & ~(Cr0.CD | Cr0.NW)));
    }

    /**
     * {@code MtrrSetAllMtrrs} on a CPU whose CR0 and DEF_TYPE will be {@code cr0} and {@code defType} when it runs:
     * pre, all 11 fixed, all base/mask pairs, DEF_TYPE = target, enable cache.
     */
    static List<GuestOp> setAll(long cr0, long defType, MtrrState target, int physBits) {
        List<GuestOp> ops = new ArrayList<>(31);
        ops.addAll(pre(cr0, defType));
        ops.addAll(allRegisterWrites(target, physBits));
        ops.addAll(post(cr0, target.deftype()));
        return ops;
    }

    /** The "update" part of MtrrSetAllMtrrs: MtrrSetFixedMtrrWorker, then each variable pair (base, mask). */
    static List<GuestOp> allRegisterWrites(MtrrState target, int physBits) {
        List<GuestOp> ops = new ArrayList<>(27);
        for (int msr : FixedMtrr.msrs()) {
            ops.add(GuestOp.wrmsr(msr, target.stored(MtrrMsr.FIXED, msr)));
        }
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            ops.add(GuestOp.wrmsr(MtrrMsr.physBase(i), target.base(i)));
            ops.add(GuestOp.wrmsr(MtrrMsr.physMask(i), target.rdmsr(MtrrMsr.physMask(i), physBits)));
        }
        return ops;
    }

    /**
     * {@code MtrrSetMemoryAttribute(base, length, UC)}: set the fixed bytes below 1 MiB, cover the rest with naturally
     * aligned power-of-two variable ranges in free slots (a simple stand-in for MtrrLib's range calculator, exact
     * for the aligned power-of-two ranges OVMF asks for), and write only the MSRs that changed, inside pre/post.
     */
    static List<GuestOp> setMemoryAttributeUc(VmSink sink, int cpu, long base, long length) {
        int physBits = sink.physBits();
        MtrrState current = sink.mtrrs(cpu);
        MtrrState target = current.copy();
        long end = base + length;
        long fixedEnd = Math.min(end, 0x100000L);
        for (long a = base; a < fixedEnd; ) {
            a = clearFixedUnit(target, a, physBits);
        }
        for (long a = Math.max(base, 0x100000L); a < end; ) {
            long size = Long.lowestOneBit(a == 0 ? Long.highestOneBit(end) : a);
            while (a + size > end) {
                size >>= 1;
            }
            int slot = target.firstFreeVar();
            if (slot < 0) {
                throw new IllegalStateException("out of variable MTRRs for UC range at " + Hex.of(a));
            }
            target.write(MtrrMsr.VAR_BASE, MtrrMsr.physBase(slot), a | MemType.UC.code, physBits);
            target.write(MtrrMsr.VAR_MASK, MtrrMsr.physMask(slot), MtrrState.physMaskFor(size, physBits), physBits);
            a += size;
        }
        List<GuestOp> writes = new ArrayList<>();
        for (int msr : FixedMtrr.msrs()) {
            if (target.stored(MtrrMsr.FIXED, msr) != current.stored(MtrrMsr.FIXED, msr)) {
                writes.add(GuestOp.wrmsr(msr, target.stored(MtrrMsr.FIXED, msr)));
            }
        }
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            long mask = target.rdmsr(MtrrMsr.physMask(i), physBits);
            if (target.base(i) != current.base(i) || mask != current.rdmsr(MtrrMsr.physMask(i), physBits)) {
                writes.add(GuestOp.wrmsr(MtrrMsr.physBase(i), target.base(i)));
                writes.add(GuestOp.wrmsr(MtrrMsr.physMask(i), mask));
            }
        }
        if (writes.isEmpty()) {
            return List.of();
        }
        List<GuestOp> ops = new ArrayList<>(pre(sink, cpu));
        ops.addAll(writes);
        ops.addAll(post(sink.cr0(cpu), current.deftype() | MtrrState.DEF_TYPE_E));
        return ops;
    }

    /** Sets the fixed-range unit covering {@code addr} to UC; returns the address after that unit. */
    private static long clearFixedUnit(MtrrState r, long addr, int physBits) {
        int index = FixedMtrr.indexOfGpa(addr);
        int msr = FixedMtrr.msrOfRangeIndex(index);
        int byteIndex = index - FixedMtrr.rangeIndex(msr);
        long cleared = r.stored(MtrrMsr.FIXED, msr) & ~(0xffL << (8 * byteIndex));
        r.write(MtrrMsr.FIXED, msr, cleared, physBits);
        return FixedMtrr.rangeEndGpa(index);
    }
}
