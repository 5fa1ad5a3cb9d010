package org.mtrrledger.events.model;

/**
 * The 88 fixed-range memory types below 1 MiB (SDM "Fixed Range MTRRs"), laid out as KVM's
 * {@code fixed_seg_table}: 64 KiB units from 0, 16 KiB units from 0x80000, 4 KiB units from 0xC0000. Byte k of an
 * MSR is the type of its k-th unit, lowest address first.
 */
public final class FixedMtrr {
    public static final int NR_FIXED_RANGES = 88;
    /** GFN of 1 MiB: fixed ranges cover [0, 0x100). */
    public static final long FIXED_END_GFN = 0x100;

    private FixedMtrr() {
    }

    /** Index into {@code fixed_ranges[]} of the MSR's first byte ({@code fixed_msr_to_range_index}), or -1. */
    public static int rangeIndex(long msr) {
        if (msr == MtrrMsr.MSR_MTRR_FIX64K_00000) {
            return 0;
        }
        if (msr == MtrrMsr.MSR_MTRR_FIX16K_80000 || msr == MtrrMsr.MSR_MTRR_FIX16K_A0000) {
            return 8 + 8 * (int) (msr - MtrrMsr.MSR_MTRR_FIX16K_80000);
        }
        if (msr >= MtrrMsr.MSR_MTRR_FIX4K_C0000 && msr <= MtrrMsr.MSR_MTRR_FIX4K_F8000) {
            return 24 + 8 * (int) (msr - MtrrMsr.MSR_MTRR_FIX4K_C0000);
        }
        return -1;
    }

    /** The MSR that holds fixed byte {@code index}. */
    public static int msrOfRangeIndex(int index) {
        if (index < 8) {
            return MtrrMsr.MSR_MTRR_FIX64K_00000;
        }
        if (index < 24) {
            return MtrrMsr.MSR_MTRR_FIX16K_80000 + (index - 8) / 8;
        }
        return MtrrMsr.MSR_MTRR_FIX4K_C0000 + (index - 24) / 8;
    }

    /** The 11 fixed MSRs in QEMU's {@code kvm_put_msrs} order (0x250, 0x258, 0x259, 0x268..0x26F). */
    public static int[] msrs() {
        int[] m = new int[11];
        m[0] = MtrrMsr.MSR_MTRR_FIX64K_00000;
        m[1] = MtrrMsr.MSR_MTRR_FIX16K_80000;
        m[2] = MtrrMsr.MSR_MTRR_FIX16K_A0000;
        for (int j = 0; j < 8; j++) {
            m[3 + j] = MtrrMsr.MSR_MTRR_FIX4K_C0000 + j;
        }
        return m;
    }

    /** A fixed MSR value giving all 8 of its units memory type {@code type}, e.g. 0x0606060606060606 for WB. */
    public static long uniform(int type) {
        return 0x0101010101010101L * type;
    }

    /** GPA where fixed byte {@code index} starts. */
    public static long rangeStartGpa(int index) {
        if (index < 8) {
            return (long) index << 16;
        }
        if (index < 24) {
            return 0x80000L + ((long) (index - 8) << 14);
        }
        return 0xC0000L + ((long) (index - 24) << 12);
    }

    /** GPA where fixed byte {@code index} ends (exclusive). */
    public static long rangeEndGpa(int index) {
        return index + 1 < NR_FIXED_RANGES ? rangeStartGpa(index + 1) : 0x100000L;
    }

    /** Index of the fixed byte covering {@code gpa} (< 1 MiB), as {@code fixed_mtrr_addr_seg_to_range_index}. */
    public static int indexOfGpa(long gpa) {
        if (gpa < 0x80000L) {
            return (int) (gpa >>> 16);
        }
        if (gpa < 0xC0000L) {
            return 8 + (int) ((gpa - 0x80000L) >>> 14);
        }
        return 24 + (int) ((gpa - 0xC0000L) >>> 12);
    }

    /**
     * GFN span an MSR's write zaps: {@code fixed_msr_to_range()} gives one unit of its segment,
     * {@code 8 << range_shift} bytes: [start, end) in GFNs.
     */
    public static long[] msrSpanGfn(long msr) {
        int idx = rangeIndex(msr);
        if (idx < 0) {
            throw new IllegalArgumentException("not a fixed MTRR: " + Hex.of(msr));
        }
        return new long[] {rangeStartGpa(idx) >>> 12, rangeEndGpa(idx + 7) >>> 12};
    }
}
