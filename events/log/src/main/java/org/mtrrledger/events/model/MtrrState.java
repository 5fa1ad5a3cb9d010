package org.mtrrledger.events.model;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * One vCPU's MTRRs exactly as KVM v6.4 keeps them in {@code struct kvm_mtrr} (arch/x86/kvm/mtrr.c): the raw
 * DEF_TYPE, the 88 fixed-range bytes, eight PHYSBASE/PHYSMASK pairs with the mask in KVM's stored form, and the
 * list of valid variable ranges in KVM's order. The per-VM copy of the dirty-range policy uses the same class.
 *
 * <p>Mutable on purpose: the fold owns one instance per vCPU and updates it in place; {@link #copy()} gives the
 * independent snapshot a checkpoint needs.
 */
public final class MtrrState {
    /** SDM: IA32_MTRR_DEF_TYPE bit 11 (E) enables MTRRs. */
    public static final long DEF_TYPE_E = 1L << 11;
    /** SDM: IA32_MTRR_DEF_TYPE bit 10 (FE) enables the fixed ranges. */
    public static final long DEF_TYPE_FE = 1L << 10;
    /** SDM: IA32_MTRR_PHYSMASKn bit 11 (V) marks the pair valid. */
    public static final long PHYSMASK_V = 1L << 11;
    private static final long PAGE_MASK = ~0xFFFL;

    private long deftype;
    private final byte[] fixed = new byte[FixedMtrr.NR_FIXED_RANGES];
    private final long[] base = new long[MtrrMsr.NR_VAR_MTRR];
    private final long[] mask = new long[MtrrMsr.NR_VAR_MTRR];
    /** Valid variable-range indices in KVM's {@code mtrr_state.head} list order. */
    private final int[] order = new int[MtrrMsr.NR_VAR_MTRR];
    private int listLength;
    /** Bumped by every mutation: lets read-side caches tell an unchanged state cheaply. Not part of equality. */
    private long modCount;

    /**
     * {@code rsvd_bits(maxphyaddr, 63)}, i.e. {@code kvm_vcpu_reserved_gpa_bits_raw()}: every GPA bit at or above
     * the guest's MAXPHYADDR.
     */
    public static long reservedGpaBits(int maxPhysAddr) {
        if (maxPhysAddr >= 64) {
            return 0;
        }
        return ((2L << (63 - maxPhysAddr)) - 1) << maxPhysAddr;
    }

    /** A PHYSMASK value, V set, for a naturally aligned power-of-two {@code size} on a {@code maxPhysAddr}-bit guest. */
    public static long physMaskFor(long size, int maxPhysAddr) {
        return (-size & ((1L << maxPhysAddr) - 1)) | PHYSMASK_V;
    }

    /**
     * KVM v6.4 {@code kvm_mtrr_valid()} (and {@code kvm_pat_valid()} for PAT).
     *
     * @return null if the write is valid, otherwise why KVM injects #GP
     */
    public static String invalidReason(MtrrMsr kind, long msr, long data, int maxPhysAddr) {
        switch (kind) {
            case PAT: {
                // kvm_pat_valid(): bits 7:3 of each entry reserved; 2 and 3 are reserved encodings.
                if ((data & 0xF8F8F8F8F8F8F8F8L) != 0 || (data | ((data & 0x0202020202020202L) << 1)) != data) {
                    return "PAT: an entry is not one of 0,1,4,5,6,7 (kvm_pat_valid)";
                }
                return null;
            }
            case DEF_TYPE: {
                if ((data & ~0xCFFL) != 0) {
                    return "DEF_TYPE: reserved bits set (data & ~0xcff = " + Hex.of(data & ~0xCFFL) + ")";
                }
                if (!MemType.isValidMtrrType(data & 0xFF)) {
                    return "DEF_TYPE: invalid default type " + (data & 0xFF);
                }
                return null;
            }
            case FIXED: {
                for (int i = 0; i < 8; i++) {
                    long t = (data >>> (i * 8)) & 0xFF;
                    if (!MemType.isValidMtrrType(t)) {
                        return "fixed MTRR: byte " + i + " has invalid type " + t;
                    }
                }
                return null;
            }
            case VAR_BASE: {
                if (!MemType.isValidMtrrType(data & 0xFF)) {
                    return "PHYSBASE" + MtrrMsr.varIndex(msr) + ": invalid type " + (data & 0xFF);
                }
                long rsvd = reservedGpaBits(maxPhysAddr) | 0xF00L;
                if ((data & rsvd) != 0) {
                    return "PHYSBASE" + MtrrMsr.varIndex(msr) + ": reserved bits set ("
                            + Hex.of(data & rsvd) + ", MAXPHYADDR " + maxPhysAddr + ")";
                }
                return null;
            }
            case VAR_MASK: {
                long rsvd = reservedGpaBits(maxPhysAddr) | 0x7FFL;
                if ((data & rsvd) != 0) {
                    return "PHYSMASK" + MtrrMsr.varIndex(msr) + ": reserved bits set ("
                            + Hex.of(data & rsvd) + ", MAXPHYADDR " + maxPhysAddr + ")";
                }
                return null;
            }
            case UNKNOWN_IN_WINDOW:
                return "MSR " + Hex.of(msr) + " is in KVM's MTRR window but not an MTRR (msr_mtrr_valid)";
            default:
                throw new IllegalArgumentException("not handled by mtrr.c: " + kind);
        }
    }

    /**
     * Stores a write that {@link #invalidReason} accepted, as {@code kvm_mtrr_set_msr()} does (PAT is not kept
     * here). Variable pairs follow {@code set_var_mtrr_msr()}: unlink if valid, update, re-link if valid.
     */
    public void write(MtrrMsr kind, long msr, long data, int maxPhysAddr) {
        modCount++;
        switch (kind) {
            case DEF_TYPE -> deftype = data;
            case FIXED -> {
                int idx = FixedMtrr.rangeIndex(msr);
                for (int i = 0; i < 8; i++) {
                    fixed[idx + i] = (byte) (data >>> (i * 8));
                }
            }
            case VAR_BASE, VAR_MASK -> setVar(MtrrMsr.varIndex(msr), kind == MtrrMsr.VAR_MASK, data, maxPhysAddr);
            default -> throw new IllegalArgumentException("not an MTRR: " + kind);
        }
    }

    /** Zeroes every MTRR, as a vCPU's are at creation (and after an INIT under TCG, which resets them). */
    public void clear() {
        copyFrom(new MtrrState());
    }

    private void setVar(int index, boolean isMask, long data, int maxPhysAddr) {
        if (isValid(index)) {
            unlink(index);
        }
        if (isMask) {
            // KVM sets every bit above MAXPHYADDR in the stored mask; RDMSR clears them again.
            mask[index] = data | reservedGpaBits(maxPhysAddr);
        } else {
            base[index] = data;
        }
        if (isValid(index)) {
            // list_for_each_entry(tmp): break at the first tmp with cur->base >= tmp->base (u64), insert before
            // it; so the list is base-descending and a new entry goes before an equal one.
            int pos = 0;
            while (pos < listLength && Long.compareUnsigned(base[index], base[order[pos]]) < 0) {
                pos++;
            }
            System.arraycopy(order, pos, order, pos + 1, listLength - pos);
            order[pos] = index;
            listLength++;
        }
    }

    private void unlink(int index) {
        for (int i = 0; i < listLength; i++) {
            if (order[i] == index) {
                System.arraycopy(order, i + 1, order, i, listLength - i - 1);
                listLength--;
                return;
            }
        }
    }

    /** The raw value KVM holds for an MTRR MSR (mask in stored form, reserved GPA bits set). */
    public long stored(MtrrMsr kind, long msr) {
        return switch (kind) {
            case DEF_TYPE -> deftype;
            case FIXED -> {
                int idx = FixedMtrr.rangeIndex(msr);
                long v = 0;
                for (int i = 7; i >= 0; i--) {
                    v = (v << 8) | (fixed[idx + i] & 0xFF);
                }
                yield v;
            }
            case VAR_BASE -> base[MtrrMsr.varIndex(msr)];
            case VAR_MASK -> mask[MtrrMsr.varIndex(msr)];
            default -> throw new IllegalArgumentException("not an MTRR: " + kind);
        };
    }

    /** What RDMSR returns ({@code kvm_mtrr_get_msr()}: variable pairs with the reserved GPA bits cleared). */
    public long rdmsr(MtrrMsr kind, long msr, int maxPhysAddr) {
        long v = stored(kind, msr);
        if (kind == MtrrMsr.VAR_BASE || kind == MtrrMsr.VAR_MASK) {
            v &= ~reservedGpaBits(maxPhysAddr);
        }
        return v;
    }

    /** {@link #rdmsr(MtrrMsr, long, int)} for an MTRR MSR number. */
    public long rdmsr(long msr, int maxPhysAddr) {
        return rdmsr(MtrrMsr.classify(msr), msr, maxPhysAddr);
    }

    /** The first variable pair with V clear, where edk2's and Linux's free-slot searches put a new range; -1 if none. */
    public int firstFreeVar() {
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            if (!isValid(i)) {
                return i;
            }
        }
        return -1;
    }

    /** Number of mutations ({@link #write}, {@link #clear}, {@link #copyFrom}) of this instance; a copy starts at 0. */
    public long modCount() {
        return modCount;
    }

    public long deftype() {
        return deftype;
    }

    public boolean enabled() {
        return (deftype & DEF_TYPE_E) != 0;
    }

    public boolean fixedEnabled() {
        return (deftype & DEF_TYPE_FE) != 0;
    }

    public int defaultType() {
        return (int) (deftype & 0xFF);
    }

    public int fixedType(int index) {
        return fixed[index] & 0xFF;
    }

    public long base(int index) {
        return base[index];
    }

    public long mask(int index) {
        return mask[index];
    }

    public boolean isValid(int index) {
        return (mask[index] & PHYSMASK_V) != 0;
    }

    /** Number of valid variable ranges on KVM's list. */
    public int listLength() {
        return listLength;
    }

    /** The i-th valid variable range index in KVM's list order (base descending, ties newest first). */
    public int listEntry(int i) {
        if (i >= listLength) {
            throw new IndexOutOfBoundsException(i);
        }
        return order[i];
    }

    /** Variable range type: {@code range->base & 0xff}. */
    public int varType(int index) {
        return (int) (base[index] & 0xFF);
    }

    /**
     * KVM's {@code var_mtrr_range()}: [start, end) in GPA, {@code start = base & PAGE_MASK},
     * {@code end = (start | ~(mask & PAGE_MASK)) + 1}. It assumes a contiguous mask and overflows to end = 0 for a
     * mask whose bits above 11 are all clear (a never-written mask).
     */
    public static long[] varMtrrRange(long base, long storedMask) {
        long start = base & PAGE_MASK;
        long m = storedMask & PAGE_MASK;
        long end = (start | ~m) + 1;
        return new long[] {start, end};
    }

    public long[] varRange(int index) {
        return varMtrrRange(base[index], mask[index]);
    }

    public MtrrState copy() {
        MtrrState c = new MtrrState();
        c.copyState(this);
        return c;
    }

    /**
     * Makes this state equal to {@code o}. A mutation like {@link #write}: it bumps {@link #modCount()}, or a cache
     * keyed on this instance and its modCount would keep serving what it resolved from the contents replaced here.
     */
    public void copyFrom(MtrrState o) {
        modCount++;
        copyState(o);
    }

    private void copyState(MtrrState o) {
        deftype = o.deftype;
        System.arraycopy(o.fixed, 0, fixed, 0, fixed.length);
        System.arraycopy(o.base, 0, base, 0, base.length);
        System.arraycopy(o.mask, 0, mask, 0, mask.length);
        System.arraycopy(o.order, 0, order, 0, order.length);
        listLength = o.listLength;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(deftype);
        out.write(fixed);
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            out.writeLong(base[i]);
            out.writeLong(mask[i]);
        }
        out.writeByte(listLength);
        for (int i = 0; i < listLength; i++) {
            out.writeByte(order[i]);
        }
    }

    public static MtrrState readFrom(DataInput in) throws IOException {
        MtrrState s = new MtrrState();
        s.deftype = in.readLong();
        in.readFully(s.fixed);
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            s.base[i] = in.readLong();
            s.mask[i] = in.readLong();
        }
        s.listLength = in.readUnsignedByte();
        for (int i = 0; i < s.listLength; i++) {
            s.order[i] = in.readUnsignedByte();
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MtrrState s)) {
            return false;
        }
        return deftype == s.deftype && Arrays.equals(fixed, s.fixed) && Arrays.equals(base, s.base)
                && Arrays.equals(mask, s.mask) && listLength == s.listLength
                && Arrays.equals(order, 0, listLength, s.order, 0, s.listLength);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(deftype) * 31 + Arrays.hashCode(fixed) * 17 + Arrays.hashCode(base) + Arrays.hashCode(mask);
    }
}
