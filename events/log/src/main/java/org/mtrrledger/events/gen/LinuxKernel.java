package org.mtrrledger.events.gen;

import org.mtrrledger.events.model.MtrrState;

/**
 * The guest kernel's own MTRR bookkeeping across phases: {@code mtrr_state} (snapshot of the BSP at
 * {@code mtrr_bp_init()}, then edited by {@code mtrr_add}/{@code mtrr_del}). A kexec'd kernel starts a new one.
 */
final class LinuxKernel {
    /**
     * DEF_TYPE's E, FE and default type: what {@code mtrr_disable()} clears ({@code MTRR_DEF_TYPE_DISABLE} =
     * ~0xcff) and what {@code set_mtrr_state()} compares.
     */
    static final long DEF_TYPE_ENABLE_AND_TYPE = 0xcff;

    MtrrState mtrrState;
    /** Variable slot used by the runtime {@code mtrr_add} scenario, or -1. */
    int runtimeSlot = -1;
}
