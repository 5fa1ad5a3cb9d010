package org.mtrrledger.events.gen;

/** CR0 bits and the concrete CR0 values of the firmware/kernel code paths the generator mirrors. */
final class Cr0 {
    static final long PE = 1L;
    static final long TS = 1L << 3;
    static final long NW = 1L << 29;
    static final long CD = 1L << 30;
    static final long PG = 1L << 31;
    /** RESET/INIT value: ET|CD|NW (doc §2.2). */
    static final long RESET = 0x60000010L;
    /** SeaBIOS {@code transition32}: {@code cr0 &= ~(PG|CD|NW); cr0 |= PE} from RESET. */
    static final long SEABIOS_32BIT = 0x11L;
    /** edk2 ResetVector {@code SEC_DEFAULT_CR0} (ReloadFlat32/Flat32). */
    static final long OVMF_SEC_FLAT32 = 0x23L;
    /** Linux {@code CR0_STATE} (PE|MP|ET|NE|WP|AM|PG), head_64.S and the realmode trampoline. */
    static final long LINUX_CR0_STATE = 0x80050033L;

    private Cr0() {
    }

    /**
     * Whether a MOV to CR0 exits (and is traced by kvm_cr). Only TS is guest-owned in KVM's CR0 guest/host mask
     * ({@code KVM_POSSIBLE_CR0_GUEST_BITS}), so a write that changes no other bit never reaches {@code handle_cr}.
     */
    static boolean exits(long current, long written) {
        return ((current ^ written) & ~TS) != 0;
    }
}
