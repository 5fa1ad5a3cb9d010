package org.mtrrledger.events.gen;

/** MTRR/PAT MSR indices (domain doc §1.1) and the architectural constants the firmware and kernel code use. */
final class Msrs {
    static final long DEF_TYPE = 0x2ff;
    static final long PAT = 0x277;
    static final long FIX64K_00000 = 0x250;
    static final long FIX16K_80000 = 0x258;
    static final long FIX16K_A0000 = 0x259;
    static final long FIX4K_C0000 = 0x268;
    /** The 11 fixed-range MSRs in the order SeaBIOS, MtrrLib, Linux and QEMU all walk them. */
    static final long[] FIXED = {0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f};
    /** MTRRCAP.VCNT as KVM reports it ({@code KVM_NR_VAR_MTRR}). */
    static final int VAR_COUNT = 8;

    static final long DEF_TYPE_E = 1L << 11;
    static final long DEF_TYPE_FE = 1L << 10;
    /** E|FE|type: what Linux's {@code mtrr_disable()} clears ({@code MTRR_DEF_TYPE_DISABLE} = ~0xcff). */
    static final long DEF_TYPE_ENABLE_AND_TYPE = 0xcff;
    static final long PHYSMASK_V = 0x800;

    static final int UC = 0;
    static final int WC = 1;
    static final int WP = 5;
    static final int WB = 6;

    /** PAT power-up value, also KVM's {@code MSR_IA32_CR_PAT_DEFAULT}. */
    static final long PAT_RESET = 0x0007040600070406L;
    /** Linux's PAT: WB WC UC- UC WB WP UC- WT (doc §1.5). */
    static final long PAT_LINUX = 0x0407050600070106L;

    private Msrs() {
    }

    static long physBase(int i) {
        return 0x200 + 2L * i;
    }

    static long physMask(int i) {
        return 0x201 + 2L * i;
    }

    /** A variable-range mask for a naturally aligned power-of-two {@code size}, valid bit set. */
    static long maskFor(long size, int physBits) {
        return (-size & ((1L << physBits) - 1)) | PHYSMASK_V;
    }

    /** 8 identical type bytes, e.g. 0x0606060606060606 for WB. */
    static long allBytes(int type) {
        return 0x0101010101010101L * type;
    }
}
