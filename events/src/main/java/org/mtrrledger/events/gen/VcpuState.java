package org.mtrrledger.events.gen;

/** What the generator tracks per vCPU: CR0 (to emit only exiting writes), MTRRs, and whether the guest runs it. */
final class VcpuState {
    final int index;
    long cr0;
    final MtrrRegisters regs = new MtrrRegisters();
    boolean online;

    VcpuState(int index, long cr0) {
        this.index = index;
        this.cr0 = cr0;
    }
}
