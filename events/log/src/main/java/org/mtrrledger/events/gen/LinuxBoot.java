package org.mtrrledger.events.gen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.model.Cr0;

/**
 * Linux boot as far as MTRRs, PAT and CR0 go (doc §7.3): kernel entry, {@code cache_bp_init()} on the BSP, AP
 * bring-up (where {@code cache_ap_init} returns early because {@code cache_aps_delayed_init} is set), and
 * {@code cache_aps_init()}'s {@code stop_machine(cache_rendezvous_handler)} that runs {@code cache_cpu_init()} on
 * every online CPU, the BSP included, concurrently. Linux 6.1 (arch/x86/kernel/cpu/mtrr/mtrr.c: {@code mtrr_bp_init}
 * → {@code mtrr_bp_pat_init}, {@code mtrr_aps_init} → {@code set_mtrr} → {@code generic_set_all}) writes the same
 * sequence; samples/captures/ovmf-linux-8vcpu-16g-q35-dma.trace shows it: BSP entry and PAT :1434-1440, AP bring-up
 * :1448-1517, rendezvous :1518-1599 (seabios-linux-8vcpu-16g-q35-dma.trace:1038-1246 likewise).
 */
final class LinuxBoot {
    /** Linux {@code CR0_STATE} (PE|MP|ET|NE|WP|AM|PG), head_64.S and the realmode trampoline. */
    static final long CR0_STATE = 0x80050033L;
    /**
     * Realmode trampoline (arch/x86/realmode/rm/trampoline_64.S): protected mode with {@code CR0_STATE & ~PG},
     * then long mode with {@code CR0_STATE}; head_64.S's second {@code CR0_STATE} write changes nothing and does not
     * exit.
     */
    static final List<GuestOp> AP_TRAMPOLINE = List.of(
            GuestOp.cr0(CR0_STATE & ~Cr0.PG), GuestOp.cr0(CR0_STATE));

    private LinuxBoot() {
    }

    /** Kernel entry on the BSP ({@code CR0_STATE}) and the early {@code cache_bp_init()}. */
    static void bspEarly(VmSink sink, LinuxKernel kernel) {
        sink.setOnline(0);
        sink.guest(0, GuestOp.cr0(CR0_STATE));
        sink.pause(50_000, 300_000);
        kernel.mtrrState = sink.mtrrs(0).copy();
        sink.guest(0, LinuxCacheInit.cacheCpuInit(sink, 0, kernel.mtrrState));
    }

    /** {@code do_boot_cpu()}: INIT-SIPI-SIPI, trampoline, CPU marked online (cache init deferred). */
    static void bringUpAp(VmSink sink, int ap) {
        sink.lifecycle(ap, LifecycleOp.INIT);
        sink.guest(ap, AP_TRAMPOLINE);
        sink.lifecycle(ap, LifecycleOp.ONLINE);
    }

    /**
     * A CPU onlined after boot ({@code cache_ap_online}/{@code cache_ap_init} via
     * {@code stop_machine_from_inactive_cpu}): only the incoming CPU runs {@code cache_cpu_init()}, before it is
     * marked online.
     */
    static void onlineAfterBoot(VmSink sink, LinuxKernel kernel, int cpu) {
        sink.lifecycle(cpu, LifecycleOp.INIT);
        sink.guest(cpu, AP_TRAMPOLINE);
        sink.guest(cpu, LinuxCacheInit.cacheCpuInit(sink, cpu, kernel.mtrrState));
        sink.lifecycle(cpu, LifecycleOp.ONLINE);
    }

    /** {@code cache_aps_init()}: every online CPU runs {@code cache_cpu_init()} at once. */
    static void rendezvous(VmSink sink, LinuxKernel kernel) {
        Map<Integer, List<GuestOp>> perCpu = new LinkedHashMap<>();
        for (int cpu : sink.onlineVcpus()) {
            perCpu.put(cpu, LinuxCacheInit.cacheCpuInit(sink, cpu, kernel.mtrrState));
        }
        Interleaver.run(sink, perCpu);
    }
}
