package org.mtrrledger.events.gen;

import org.mtrrledger.events.avro.LifecycleOp;

/**
 * kexec into a new kernel (doc §7.3): the old kernel offlines the APs ({@code smp_shutdown_nonboot_cpus}) and
 * does not reset MTRRs; the new kernel reads them from the BSP and repeats the BSP-early + AP bring-up + all-CPU
 * sequence. KVM's INIT leaves MTRRs alone, so unless something changed only DEF_TYPE/PAT (and CR0) writes appear.
 * The BSP's relocate_kernel/purgatory CR0 transitions are not modelled.
 */
final class KexecReboot {
    private KexecReboot() {
    }

    static LinuxKernel run(VmSink sink) {
        for (int cpu : sink.onlineVcpus()) {
            if (cpu != 0) {
                sink.lifecycle(cpu, LifecycleOp.OFFLINE);
            }
        }
        sink.pause(500_000, 2_000_000);
        LinuxKernel next = new LinuxKernel();
        LinuxBoot.bspEarly(sink, next);
        for (int ap = 1; ap < sink.vcpuCount(); ap++) {
            sink.pause(1_000, 20_000);
            LinuxBoot.bringUpAp(sink, ap);
        }
        LinuxBoot.rendezvous(sink, next);
        return next;
    }
}
