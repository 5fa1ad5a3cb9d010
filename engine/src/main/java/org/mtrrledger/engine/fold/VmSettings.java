package org.mtrrledger.engine.fold;

/**
 * The VM-wide knobs KVM consults: guest MAXPHYADDR (reserved GPA bits of PHYSBASE/PHYSMASK), guest CPUID MTRR
 * ({@code mtrr_disabled_type()}), {@code tdp_enabled}, and {@code KVM_X86_QUIRK_CD_NW_CLEARED}.
 */
public record VmSettings(int maxPhysAddr, boolean guestHasMtrr, boolean tdpEnabled, boolean quirkCdNwCleared) {
    public static final VmSettings DEFAULT = new VmSettings(46, true, true, true);
    public static final int MIN_MAXPHYADDR = 12;
    public static final int MAX_MAXPHYADDR = 52;

    public VmSettings {
        if (maxPhysAddr < MIN_MAXPHYADDR || maxPhysAddr > MAX_MAXPHYADDR) {
            throw new IllegalArgumentException("MAXPHYADDR " + maxPhysAddr + " outside " + MIN_MAXPHYADDR + ".."
                    + MAX_MAXPHYADDR);
        }
    }

    /** GFNs of the guest-physical space: [0, 2^(MAXPHYADDR-12)). */
    public long gfnLimit() {
        return 1L << (maxPhysAddr - 12);
    }
}
