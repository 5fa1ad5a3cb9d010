package org.mtrrledger.projections.memtype;

import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrState;

/**
 * The architectural answer (SDM Vol. 3A 11.11.4.1 "MTRR Precedences"): E=0 means UC everywhere; fixed ranges win
 * below 1 MiB when FE=1; a page matches a valid variable range when {@code (A & PhysMask) == (PhysBase & PhysMask)}
 * (so non-contiguous masks and unaligned bases mean what the SDM says, not what KVM's arithmetic makes of them);
 * among matches UC wins in any order, WT+WB gives WT, identical types give that type, and any other overlap is
 * undefined ({@link #UNDEFINED}).
 */
public final class SdmMtrrResolver implements GuestMtrrResolver {
    public static final SdmMtrrResolver INSTANCE = new SdmMtrrResolver();
    /** Blocks of one non-contiguous mask beyond which boundaries are not enumerated. */
    private static final int MAX_BLOCKS = 1 << 12;

    private SdmMtrrResolver() {
    }

    @Override
    public String name() {
        return "sdm";
    }

    private static long physMask(MtrrState m, int idx, VmSettings s) {
        return m.mask(idx) & ~MtrrState.reservedGpaBits(s.maxPhysAddr()) & ~0xFFFL;
    }

    @Override
    public int typeAt(MtrrState m, VmSettings s, long gfn) {
        if (!m.enabled()) {
            return MemType.UC.code;
        }
        long a = gfn << 12;
        if (m.fixedEnabled() && a < 0x100000L) {
            return m.fixedType(FixedMtrr.indexOfGpa(a));
        }
        if (Long.compareUnsigned(gfn, s.gfnLimit()) >= 0) {
            // PhysMask has no bits at or above MAXPHYADDR, so (A & PhysMask) would alias such an address onto one
            // below; no processor emits it, and KVM's var_mtrr_range() ends below 2^MAXPHYADDR: the default type.
            return m.defaultType();
        }
        int seen = 0;
        for (int i = 0; i < m.listLength(); i++) {
            int idx = m.listEntry(i);
            long pm = physMask(m, idx, s);
            if ((a & pm) == (m.base(idx) & pm)) {
                seen |= 1 << m.varType(idx);
            }
        }
        if (seen == 0) {
            return m.defaultType();
        }
        if (Integer.bitCount(seen) == 1) {
            return Integer.numberOfTrailingZeros(seen);
        }
        if ((seen & (1 << MemType.UC.code)) != 0) {
            return MemType.UC.code;
        }
        if (seen == ((1 << MemType.WT.code) | (1 << MemType.WB.code))) {
            return MemType.WT.code;
        }
        return UNDEFINED;
    }

    @Override
    public MemtypeMap resolve(MtrrState m, VmSettings s, long limit) {
        if (!m.enabled()) {
            return MemtypeMap.constant(limit, MemType.UC.code);
        }
        LongList b = new LongList();
        b.add(0);
        b.add(s.gfnLimit());
        if (m.fixedEnabled()) {
            for (int i = 0; i < FixedMtrr.NR_FIXED_RANGES; i++) {
                b.add(FixedMtrr.rangeEndGpa(i) >>> 12);
            }
        }
        for (int i = 0; i < m.listLength(); i++) {
            int idx = m.listEntry(i);
            addBlocks(b, m.base(idx), physMask(m, idx, s), s.maxPhysAddr());
        }
        return MemtypeMap.build(limit, b.values, b.size, g -> typeAt(m, s, g));
    }

    /** The matching set of a (base, mask) pair is 2^k aligned blocks, k = clear mask bits above the lowest set one. */
    private static void addBlocks(LongList b, long base, long pm, int maxPhys) {
        if (pm == 0) {
            return;
        }
        int low = Long.numberOfTrailingZeros(pm);
        long span = maxPhys >= 64 ? -1L : (1L << maxPhys) - 1;
        long free = ~pm & span & ~((1L << low) - 1);
        int k = Long.bitCount(free);
        long blocks = k >= 31 ? Long.MAX_VALUE : 1L << k;
        long fixedPart = base & pm;
        for (long i = 0; i < Math.min(blocks, MAX_BLOCKS); i++) {
            long addr = fixedPart | deposit(i, free);
            b.add(addr >>> 12);
            b.add((addr + (1L << low)) >>> 12);
        }
    }

    /** Scatters the low bits of {@code bits} into the set positions of {@code positions} (PDEP). */
    private static long deposit(long bits, long positions) {
        long out = 0;
        long p = positions;
        while (p != 0 && bits != 0) {
            long lowest = p & -p;
            if ((bits & 1) != 0) {
                out |= lowest;
            }
            bits >>>= 1;
            p &= p - 1;
        }
        return out;
    }

    private static final class LongList {
        long[] values = new long[128];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }
}
