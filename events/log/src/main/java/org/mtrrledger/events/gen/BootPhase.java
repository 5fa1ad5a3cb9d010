package org.mtrrledger.events.gen;

/** Coarse phases of one VM's life, used to place non-coherent DMA registration ({@link NoncoherentDma.AtPhase}). */
public enum BootPhase {
    /** QEMU's MTRR loads after creation and reset (host-initiated); only with {@link Scenarios#qemuResetWrites()}. */
    QEMU_RESET,
    /** Firmware MTRR programming (BSP, then APs). */
    FIRMWARE,
    /** Linux BSP: kernel entry and the early {@code cache_bp_init()}. */
    LINUX_BSP_EARLY,
    /** Linux bringing APs up (INIT/SIPI, trampoline). */
    LINUX_AP_BRINGUP,
    /** Linux {@code cache_aps_init()} rendezvous on all CPUs. */
    LINUX_RENDEZVOUS,
    /** After boot: runtime scenarios. */
    RUNTIME
}
