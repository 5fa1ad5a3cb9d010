package org.mtrrledger.events.model;

/** CR0 bits (SDM Vol. 3A 2.5) and the parts of {@code kvm_set_cr0()} (arch/x86/kvm/x86.c, v6.4) the model needs. */
public final class Cr0 {
    public static final long PE = 1L;
    public static final long MP = 1L << 1;
    public static final long EM = 1L << 2;
    public static final long TS = 1L << 3;
    public static final long ET = 1L << 4;
    public static final long NE = 1L << 5;
    public static final long WP = 1L << 16;
    public static final long AM = 1L << 18;
    public static final long NW = 1L << 29;
    public static final long CD = 1L << 30;
    public static final long PG = 1L << 31;
    /** {@code CR0_RESERVED_BITS}: writes to them are silently dropped, even on Intel. */
    public static final long RESERVED_BITS = ~(PE | MP | EM | TS | ET | NE | WP | AM | NW | CD | PG);
    /** CR0 at RESET: ET | CD | NW ({@code kvm_vcpu_reset()}). */
    public static final long RESET_VALUE = 0x60000010L;
    /**
     * Bits a MOV to CR0 changes without a VM exit on VMX with EPT: {@code KVM_POSSIBLE_CR0_GUEST_BITS} (TS), plus WP,
     * guest-owned under EPT since v6.4. Only a change of any other bit exits and is traced by kvm_cr.
     */
    public static final long GUEST_OWNED = TS | WP;

    private Cr0() {
    }

    /**
     * {@code kvm_is_valid_cr0()} on a 64-bit host: bits 63:32 clear, no NW without CD, no PG without PE. The
     * EFER.LME/CR4.PAE/CR4.PCIDE/CS.L checks that follow in {@code kvm_set_cr0()} need state the event log does not
     * carry and are not modelled.
     *
     * @return null if valid, else why KVM injects #GP
     */
    public static String invalidReason(long cr0) {
        if ((cr0 & 0xFFFF_FFFF_0000_0000L) != 0) {
            return "CR0: bits 63:32 set";
        }
        if ((cr0 & NW) != 0 && (cr0 & CD) == 0) {
            return "CR0: NW=1 with CD=0";
        }
        if ((cr0 & PG) != 0 && (cr0 & PE) == 0) {
            return "CR0: PG=1 with PE=0";
        }
        return null;
    }

    /** What {@code kvm_set_cr0()} stores for a valid write: ET forced on, reserved bits dropped. */
    public static long effective(long cr0) {
        return (cr0 | ET) & ~RESERVED_BITS;
    }

    /** CR0 after INIT: ET, with CD/NW preserved ({@code kvm_vcpu_reset(init_event=true)}, since v5.15). */
    public static long afterInit(long old) {
        return ET | (old & (CD | NW));
    }

    /** Whether a MOV to CR0 from {@code current} to {@code written} exits ({@link #GUEST_OWNED}). */
    public static boolean exits(long current, long written) {
        return ((current ^ written) & ~GUEST_OWNED) != 0;
    }

    public static boolean cd(long cr0) {
        return (cr0 & CD) != 0;
    }
}
