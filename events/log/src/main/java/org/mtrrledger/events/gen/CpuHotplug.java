package org.mtrrledger.events.gen;

import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.model.Cr0;

/**
 * CPU offline/online and hot-add after boot (doc §7.3). Offline writes no MTRR/PAT ({@code cache_ap_offline} only
 * clears a cpumask). Re-online and hot-add run {@code cache_cpu_init()} on the incoming CPU only; a hot-added QEMU
 * vCPU has all-zero MTRRs and no firmware run, so Linux rewrites every differing variable and fixed MSR.
 */
final class CpuHotplug {
    private CpuHotplug() {
    }

    static void offline(VmSink sink, int cpu) {
        sink.lifecycle(cpu, LifecycleOp.OFFLINE);
    }

    static void online(VmSink sink, LinuxKernel kernel, int cpu) {
        LinuxBoot.onlineAfterBoot(sink, kernel, cpu);
    }

    /** {@code device_add} of a vCPU: KVM_CREATE_VCPU, QEMU's MTRR load (if modelled), then the guest onlines it. */
    static void hotAdd(VmSink sink, LinuxKernel kernel, boolean qemuResetWrites) {
        int fresh = sink.create(Cr0.RESET_VALUE);
        if (qemuResetWrites) {
            QemuResetWrites.afterCreate(sink, fresh);
        }
        sink.pause(100_000, 500_000);
        online(sink, kernel, fresh);
    }
}
