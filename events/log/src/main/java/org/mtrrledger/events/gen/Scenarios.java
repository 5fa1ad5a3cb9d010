package org.mtrrledger.events.gen;

/**
 * Optional events beyond a plain boot. Each switch is described where it is implemented.
 *
 * @param qemuResetWrites        QEMU's KVM_SET_MSRS loads of the MTRRs (all zero, {@code kvm_put_msrs} order,
 *                               host-initiated) after vCPU creation and after the system reset (with a RESET
 *                               lifecycle event per vCPU); see {@link QemuResetWrites}
 * @param kexecReboot            kexec into a new kernel after the runtime scenarios; see {@link KexecReboot}
 * @param cpuOfflineOnline       take the last AP offline and back online; see {@link CpuHotplug}
 * @param cpuHotAdd              hot-plug one fresh vCPU (all-zero MTRRs); see {@link CpuHotplug}
 * @param runtimeMtrrAddDel      {@code mtrr_add} of a WC range and later its {@code mtrr_del}; see {@link LinuxMtrrRendezvous}
 * @param pci64HoleUc            who (if anyone) programs the extra 64-bit PCI hole UC range
 * @param dmaTransfersDuringBoot DMA transfers spread over the boot phases
 * @param dmaTransfersAfterBoot  DMA transfers spread over the runtime scenarios
 * @param tcg                    the host runs the guest under QEMU's TCG, as the shipped captures were made, not KVM:
 *                               an INIT zeroes the vCPU's MTRRs ({@code do_cpu_init()} → {@code x86_cpu_reset_hold()};
 *                               KVM keeps them, see {@link VmSink#lifecycle}), which changes what Linux rewrites on
 *                               an AP, and the vCPUs take turns instead of running at once ({@link Interleaver})
 */
public record Scenarios(boolean qemuResetWrites, boolean kexecReboot, boolean cpuOfflineOnline, boolean cpuHotAdd,
                        boolean runtimeMtrrAddDel, Pci64HoleUc pci64HoleUc, int dmaTransfersDuringBoot,
                        int dmaTransfersAfterBoot, boolean tcg) {
    public static final Scenarios NONE = new Scenarios(false, false, false, false, false, Pci64HoleUc.NONE, 0, 0,
            false);

    public Scenarios {
        if (pci64HoleUc == null) {
            throw new IllegalArgumentException("pci64HoleUc must not be null");
        }
        if (dmaTransfersDuringBoot < 0 || dmaTransfersAfterBoot < 0) {
            throw new IllegalArgumentException("DMA transfer counts must be >= 0");
        }
    }

    /** Every guest scenario on, with a few transfers, and the kernel-programmed 64-bit hole, on a KVM host. */
    public static Scenarios all() {
        return new Scenarios(true, true, true, true, true, Pci64HoleUc.KERNEL, 3, 3, false);
    }

    public Scenarios withQemuResetWrites(boolean on) {
        return new Scenarios(on, kexecReboot, cpuOfflineOnline, cpuHotAdd, runtimeMtrrAddDel, pci64HoleUc,
                dmaTransfersDuringBoot, dmaTransfersAfterBoot, tcg);
    }

    public Scenarios withKexecReboot(boolean on) {
        return new Scenarios(qemuResetWrites, on, cpuOfflineOnline, cpuHotAdd, runtimeMtrrAddDel, pci64HoleUc,
                dmaTransfersDuringBoot, dmaTransfersAfterBoot, tcg);
    }

    public Scenarios withCpuOfflineOnline(boolean on) {
        return new Scenarios(qemuResetWrites, kexecReboot, on, cpuHotAdd, runtimeMtrrAddDel, pci64HoleUc,
                dmaTransfersDuringBoot, dmaTransfersAfterBoot, tcg);
    }

    public Scenarios withCpuHotAdd(boolean on) {
        return new Scenarios(qemuResetWrites, kexecReboot, cpuOfflineOnline, on, runtimeMtrrAddDel, pci64HoleUc,
                dmaTransfersDuringBoot, dmaTransfersAfterBoot, tcg);
    }

    public Scenarios withRuntimeMtrrAddDel(boolean on) {
        return new Scenarios(qemuResetWrites, kexecReboot, cpuOfflineOnline, cpuHotAdd, on, pci64HoleUc,
                dmaTransfersDuringBoot, dmaTransfersAfterBoot, tcg);
    }

    public Scenarios withPci64HoleUc(Pci64HoleUc who) {
        return new Scenarios(qemuResetWrites, kexecReboot, cpuOfflineOnline, cpuHotAdd, runtimeMtrrAddDel, who,
                dmaTransfersDuringBoot, dmaTransfersAfterBoot, tcg);
    }

    public Scenarios withDmaTransfers(int duringBoot, int afterBoot) {
        return new Scenarios(qemuResetWrites, kexecReboot, cpuOfflineOnline, cpuHotAdd, runtimeMtrrAddDel,
                pci64HoleUc, duringBoot, afterBoot, tcg);
    }

    public Scenarios withTcg(boolean on) {
        return new Scenarios(qemuResetWrites, kexecReboot, cpuOfflineOnline, cpuHotAdd, runtimeMtrrAddDel,
                pci64HoleUc, dmaTransfersDuringBoot, dmaTransfersAfterBoot, on);
    }
}
