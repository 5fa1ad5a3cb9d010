package org.mtrrledger.events.gen;

/**
 * The guest kernel's own MTRR bookkeeping across phases: {@code mtrr_state} (snapshot of the BSP at
 * {@code mtrr_bp_init()}, then edited by {@code mtrr_add}/{@code mtrr_del}). A kexec'd kernel starts a new one.
 */
final class LinuxKernel {
    MtrrRegisters mtrrState;
    /** Variable slot used by the runtime {@code mtrr_add} scenario, or -1. */
    int runtimeSlot = -1;
}
