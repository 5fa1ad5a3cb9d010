package org.mtrrledger.events.gen;

/** CR0 bits and the concrete CR0 values of the firmware/kernel code paths the generator mirrors. */
final class Cr0 {
    static final long PE = 1L;
    static final long TS = 1L << 3;
    static final long WP = 1L << 16;
    static final long NW = 1L << 29;
    static final long CD = 1L << 30;
    static final long PG = 1L << 31;
    /** RESET/INIT value: ET|CD|NW (doc §2.2). */
    static final long RESET = 0x60000010L;
    /** SeaBIOS {@code transition32}: {@code cr0 &= ~(PG|CD|NW); cr0 |= PE} from RESET. */
    static final long SEABIOS_32BIT = 0x11L;
    /** SeaBIOS {@code transition16}: PE cleared again, for each call into 16-bit code. */
    static final long SEABIOS_16BIT = 0x10L;
    /**
     * edk2 ResetVector's flat-32 CR0 as OVMF 2022.11 writes it: PE|MP|NE with CD still set (the captured
     * ovmf-linux-8vcpu-16g-q35-dma.trace:479 shows 0x40000023, not the 0x23 of {@code SEC_DEFAULT_CR0}).
     */
    static final long OVMF_SEC_FLAT32 = 0x40000023L;
    /** The ResetVector's long-mode switch: PG set on CR0 as read back (ET reads as 1): ...dma.trace:481. */
    static final long OVMF_SEC_LONG_MODE = 0xc0000033L;
    /** Linux {@code CR0_STATE} (PE|MP|ET|NE|WP|AM|PG), head_64.S and the realmode trampoline. */
    static final long LINUX_CR0_STATE = 0x80050033L;
    /**
     * Bits a MOV to CR0 changes without an exit: KVM's {@code KVM_POSSIBLE_CR0_GUEST_BITS}, TS, plus WP, guest-owned
     * under EPT since v6.4 (the capture's filter, projections' {@code TracedWrites.KVM_VMX}, is the same).
     */
    static final long GUEST_OWNED = TS | WP;

    private Cr0() {
    }

    /** Whether a MOV to CR0 exits (and is traced by kvm_cr): only a change of a host-owned bit reaches {@code handle_cr}. */
    static boolean exits(long current, long written) {
        return ((current ^ written) & ~GUEST_OWNED) != 0;
    }
}
