package org.mtrrledger.events.gen;

import java.util.Arrays;

/**
 * One vCPU's MTRR/PAT register file as the guest sees it. A fresh KVM vCPU is zero-allocated (doc §2.2): DEF_TYPE,
 * fixed and variable MTRRs 0, PAT at its power-up value. The generator needs it because Linux writes only MTRRs
 * that differ and MtrrLib/Linux derive DEF_TYPE writes from the current value.
 */
final class MtrrRegisters {
    long defType;
    final long[] fixed = new long[Msrs.FIXED.length];
    final long[] base = new long[Msrs.VAR_COUNT];
    final long[] mask = new long[Msrs.VAR_COUNT];
    long pat = Msrs.PAT_RESET;

    MtrrRegisters copy() {
        MtrrRegisters c = new MtrrRegisters();
        c.defType = defType;
        System.arraycopy(fixed, 0, c.fixed, 0, fixed.length);
        System.arraycopy(base, 0, c.base, 0, base.length);
        System.arraycopy(mask, 0, c.mask, 0, mask.length);
        c.pat = pat;
        return c;
    }

    /**
     * What QEMU's {@code x86_cpu_reset_hold()} does to the MTRRs on an INIT under TCG ({@code do_cpu_init()} resets
     * the CPU and keeps only the INIT-preserved fields, PAT among them): all zero (SDM 11.11.5 asks for E=0, V=0).
     */
    void clearMtrrs() {
        defType = 0;
        Arrays.fill(fixed, 0);
        Arrays.fill(base, 0);
        Arrays.fill(mask, 0);
    }

    /** Applies a WRMSR; MSRs outside the MTRR/PAT set are ignored. */
    void write(long msr, long value) {
        if (msr == Msrs.DEF_TYPE) {
            defType = value;
        } else if (msr == Msrs.PAT) {
            pat = value;
        } else if (msr >= 0x200 && msr < 0x200 + 2L * Msrs.VAR_COUNT) {
            int i = (int) (msr - 0x200) / 2;
            if ((msr & 1) == 0) {
                base[i] = value;
            } else {
                mask[i] = value;
            }
        } else {
            int f = fixedIndex(msr);
            if (f >= 0) {
                fixed[f] = value;
            }
        }
    }

    static int fixedIndex(long msr) {
        for (int i = 0; i < Msrs.FIXED.length; i++) {
            if (Msrs.FIXED[i] == msr) {
                return i;
            }
        }
        return -1;
    }

    /** First variable slot whose mask has V=0, as edk2's and Linux's free-slot searches pick it; -1 if none. */
    int firstFreeVariable() {
        for (int i = 0; i < Msrs.VAR_COUNT; i++) {
            if ((mask[i] & Msrs.PHYSMASK_V) == 0) {
                return i;
            }
        }
        return -1;
    }

    boolean sameMtrrs(MtrrRegisters o) {
        return defType == o.defType && Arrays.equals(fixed, o.fixed) && Arrays.equals(base, o.base)
                && Arrays.equals(mask, o.mask);
    }
}
