package org.mtrrledger.events.model;

/**
 * Classification of an MSR number the way KVM v6.4 routes a WRMSR.
 *
 * <p>{@code kvm_set_msr_common()} sends every MSR in {@code 0x200 ... MSR_IA32_MC0_CTL2 - 1} and
 * {@code MSR_IA32_MCx_CTL2(KVM_MAX_MCE_BANKS) ... 0x2ff} (0x200-0x27F and 0x2A0-0x2FF) to
 * {@code kvm_mtrr_set_msr()}, where {@code msr_mtrr_valid()} accepts only the variable pairs 0..7, the 11 fixed
 * MSRs, DEF_TYPE and PAT; anything else in that window fails with #GP. MSRs outside the window are not MTRRs.
 */
public enum MtrrMsr {
    /** IA32_MTRR_DEF_TYPE (0x2FF). */
    DEF_TYPE,
    /** One of the 11 fixed-range MTRRs. */
    FIXED,
    /** IA32_MTRR_PHYSBASEn, n = 0..7. */
    VAR_BASE,
    /** IA32_MTRR_PHYSMASKn, n = 0..7. */
    VAR_MASK,
    /** IA32_PAT (0x277): handled by mtrr.c up to v6.4. */
    PAT,
    /** In KVM's MTRR window but not an MTRR that {@code msr_mtrr_valid()} knows: the write is rejected (#GP). */
    UNKNOWN_IN_WINDOW,
    /** Not routed to mtrr.c at all: recorded, ignored by the model. */
    OUTSIDE_WINDOW;

    public static final int MSR_MTRR_DEF_TYPE = 0x2ff;
    public static final int MSR_IA32_CR_PAT = 0x277;
    public static final int MSR_MTRR_FIX64K_00000 = 0x250;
    public static final int MSR_MTRR_FIX16K_80000 = 0x258;
    public static final int MSR_MTRR_FIX16K_A0000 = 0x259;
    public static final int MSR_MTRR_FIX4K_C0000 = 0x268;
    public static final int MSR_MTRR_FIX4K_F8000 = 0x26f;
    /** {@code KVM_NR_VAR_MTRR} (arch/x86/include/asm/kvm_host.h). */
    public static final int NR_VAR_MTRR = 8;
    /** IA32_MTRRCAP, read-only. */
    public static final int MSR_MTRRCAP = 0xfe;
    /** MTRRCAP as KVM returns it: {@code 0x500 | KVM_NR_VAR_MTRR} (VCNT 8, FIX, WC). */
    public static final long MTRRCAP_VALUE = 0x500 | NR_VAR_MTRR;

    public static MtrrMsr classify(long msr) {
        if (msr == MSR_MTRR_DEF_TYPE) {
            return DEF_TYPE;
        }
        if (msr == MSR_IA32_CR_PAT) {
            return PAT;
        }
        if (FixedMtrr.rangeIndex(msr) >= 0) {
            return FIXED;
        }
        if (msr >= 0x200 && msr < 0x200 + 2 * NR_VAR_MTRR) {
            return (msr & 1) == 0 ? VAR_BASE : VAR_MASK;
        }
        if ((msr >= 0x200 && msr < 0x280) || (msr >= 0x2a0 && msr <= 0x2ff)) {
            return UNKNOWN_IN_WINDOW;
        }
        return OUTSIDE_WINDOW;
    }

    /** IA32_MTRR_PHYSBASEn. */
    public static int physBase(int n) {
        return 0x200 + 2 * n;
    }

    /** IA32_MTRR_PHYSMASKn. */
    public static int physMask(int n) {
        return 0x201 + 2 * n;
    }

    /** Index n of IA32_MTRR_PHYSBASEn / PHYSMASKn. */
    public static int varIndex(long msr) {
        return (int) ((msr - 0x200) / 2);
    }

    public static boolean isMtrr(MtrrMsr kind) {
        return kind == DEF_TYPE || kind == FIXED || kind == VAR_BASE || kind == VAR_MASK;
    }
}
