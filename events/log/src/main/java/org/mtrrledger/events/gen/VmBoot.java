package org.mtrrledger.events.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.MemType;

/**
 * One VM's life as an ordered list of small units (setup, firmware BSP, each AP or wake of all APs, Linux phases,
 * runtime scenarios). The generator runs one unit at a time, so at most one unit's events (≤ ~60 per vCPU) are
 * buffered.
 * This class only sequences; what each unit emits lives in the phase classes it calls.
 */
final class VmBoot {
    /** A step of the VM's life; {@code phase} is null for the creation step. */
    record Unit(BootPhase phase, Consumer<VmSink> action) {
    }

    private final GeneratorSpec spec;
    private final VmSink sink;
    private final List<Unit> units = new ArrayList<>();
    private final int firstRuntimeUnit;
    private final int[] transfersAfterUnit;
    private LinuxKernel kernel = new LinuxKernel();
    private int next;
    private boolean finished;

    VmBoot(GeneratorSpec spec, VmSink sink) {
        this.spec = spec;
        this.sink = sink;
        Scenarios sc = spec.scenarios();
        int vcpus = sink.profile.vcpus();
        units.add(new Unit(null, this::create));
        if (sc.qemuResetWrites()) {
            units.add(new Unit(BootPhase.QEMU_RESET, s -> {
                for (int v = 0; v < vcpus; v++) {
                    QemuResetWrites.afterCreate(s, v);
                }
                for (int v = 0; v < vcpus; v++) {
                    QemuResetWrites.afterReset(s, v);
                }
            }));
        }
        addFirmware(vcpus);
        units.add(new Unit(BootPhase.LINUX_BSP_EARLY, s -> {
            s.pause(500_000, 3_000_000);
            LinuxBoot.bspEarly(s, kernel);
        }));
        for (int ap = 1; ap < vcpus; ap++) {
            int cpu = ap;
            units.add(new Unit(BootPhase.LINUX_AP_BRINGUP, s -> {
                s.pause(1_000, 20_000);
                LinuxBoot.bringUpAp(s, cpu);
            }));
        }
        units.add(new Unit(BootPhase.LINUX_RENDEZVOUS, s -> {
            s.pause(10_000, 100_000);
            LinuxBoot.rendezvous(s, kernel);
        }));
        firstRuntimeUnit = units.size();
        addRuntime(sc, vcpus);
        transfersAfterUnit = spreadTransfers(sc);
        if (spec.noncoherentDma() instanceof NoncoherentDma.AtEvent at) {
            sink.registerDmaAtEvent(at.eventIndex());
        }
    }

    private void create(VmSink s) {
        s.vmConfig(new VmConfig(spec.maxPhysAddr(), true, true, spec.quirkCdNwCleared()));
        for (int v = 0; v < s.profile.vcpus(); v++) {
            s.create(Cr0.RESET_VALUE);
        }
        if (spec.noncoherentDma() instanceof NoncoherentDma.BeforeBoot) {
            DmaTraffic.register(s);
        }
    }

    private void addFirmware(int vcpus) {
        if (sink.profile.firmware() == Firmware.SEABIOS) {
            units.add(new Unit(BootPhase.FIRMWARE, s -> {
                s.pause(1_000, 5_000);
                SeaBiosMtrrSetup.runBsp(s);
            }));
            if (vcpus > 1) {
                units.add(new Unit(BootPhase.FIRMWARE, SeaBiosMtrrSetup::initAps));
            }
            for (int ap = 1; ap < vcpus; ap++) {
                int cpu = ap;
                units.add(new Unit(BootPhase.FIRMWARE, s -> SeaBiosMtrrSetup.runAp(s, cpu)));
            }
            units.add(new Unit(BootPhase.FIRMWARE, s -> {
                s.pause(1_000, 5_000);
                SeaBiosMtrrSetup.postModeSwitches(s);
            }));
            return;
        }
        units.add(new Unit(BootPhase.FIRMWARE, s -> {
            s.pause(1_000, 5_000);
            OvmfMtrrSetup.runBsp(s);
        }));
        boolean smp = vcpus > 1;
        if (smp) {
            apWake(10_000, 100_000, OvmfMtrrSetup.ApWake.COUNT);
            apWake(1_000, 10_000, OvmfMtrrSetup.ApWake.SYNC);
        }
        units.add(new Unit(BootPhase.FIRMWARE, s -> {
            s.pause(100_000, 500_000);
            if (smp) {
                OvmfMtrrSetup.wakeAps(s, OvmfMtrrSetup.ApWake.COUNT);
            }
            OvmfMtrrSetup.dxeWriteProtect(s);
        }));
        if (smp) {
            apWake(1_000, 10_000, OvmfMtrrSetup.ApWake.SYNC);
        }
        boolean classic = spec.scenarios().pci64HoleUc() == Pci64HoleUc.FIRMWARE;
        units.add(new Unit(BootPhase.FIRMWARE, s -> {
            s.pause(20_000, 200_000);
            OvmfMtrrSetup.programPci64Aperture(s, classic);
        }));
        if (smp) {
            apWake(1_000, 10_000, OvmfMtrrSetup.ApWake.SYNC);
            apWake(100_000, 1_000_000, OvmfMtrrSetup.ApWake.PARK);
        }
    }

    private void apWake(long minPauseUs, long maxPauseUs, OvmfMtrrSetup.ApWake wake) {
        units.add(new Unit(BootPhase.FIRMWARE, s -> {
            s.pause(minPauseUs, maxPauseUs);
            OvmfMtrrSetup.wakeAps(s, wake);
        }));
    }

    private void addRuntime(Scenarios sc, int vcpus) {
        int physBits = sink.profile.layout().physBits();
        if (sc.pci64HoleUc() == Pci64HoleUc.KERNEL) {
            units.add(new Unit(BootPhase.RUNTIME, s -> {
                s.pause(1_000_000, 5_000_000);
                LinuxMtrrRendezvous.add(s, kernel, OvmfMtrrSetup.PCI64_BASE, OvmfMtrrSetup.PCI64_SIZE, MemType.UC.code);
            }));
        }
        if (sc.runtimeMtrrAddDel()) {
            long wcBase = 1L << Math.min(36, physBits - 1);
            units.add(new Unit(BootPhase.RUNTIME, s -> {
                s.pause(1_000_000, 5_000_000);
                kernel.runtimeSlot = LinuxMtrrRendezvous.add(s, kernel, wcBase, 256L << 20, MemType.WC.code);
            }));
        }
        if (sc.cpuOfflineOnline() && vcpus > 1) {
            int victim = vcpus - 1;
            units.add(new Unit(BootPhase.RUNTIME, s -> {
                s.pause(1_000_000, 5_000_000);
                CpuHotplug.offline(s, victim);
            }));
            units.add(new Unit(BootPhase.RUNTIME, s -> {
                s.pause(500_000, 3_000_000);
                CpuHotplug.online(s, kernel, victim);
            }));
        }
        if (sc.cpuHotAdd() && vcpus < 1024) {
            units.add(new Unit(BootPhase.RUNTIME, s -> {
                s.pause(1_000_000, 5_000_000);
                CpuHotplug.hotAdd(s, kernel, sc.qemuResetWrites());
            }));
        }
        if (sc.runtimeMtrrAddDel()) {
            units.add(new Unit(BootPhase.RUNTIME, s -> {
                s.pause(1_000_000, 5_000_000);
                LinuxMtrrRendezvous.delete(s, kernel, kernel.runtimeSlot);
                kernel.runtimeSlot = -1;
            }));
        }
        if (sc.kexecReboot()) {
            units.add(new Unit(BootPhase.RUNTIME, s -> {
                s.pause(2_000_000, 10_000_000);
                kernel = KexecReboot.run(s);
            }));
        }
    }

    /** During-boot transfers go after random boot units; after-boot ones after the last boot unit or runtime units. */
    private int[] spreadTransfers(Scenarios sc) {
        int[] counts = new int[units.size()];
        for (int i = 0; i < sc.dmaTransfersDuringBoot(); i++) {
            counts[sink.rnd.nextInt(firstRuntimeUnit - 1)]++;
        }
        for (int i = 0; i < sc.dmaTransfersAfterBoot(); i++) {
            counts[sink.rnd.nextInt(firstRuntimeUnit - 1, units.size())]++;
        }
        return counts;
    }

    /** Runs the next unit into the sink; false once the VM is done. */
    boolean step() {
        if (finished) {
            return false;
        }
        if (next == units.size()) {
            if (spec.noncoherentDma() instanceof NoncoherentDma.AtPhase && !sink.dmaRegistered()) {
                DmaTraffic.register(sink);
            }
            finished = true;
            return true;
        }
        Unit unit = units.get(next);
        if (spec.noncoherentDma() instanceof NoncoherentDma.AtPhase at && unit.phase() != null
                && unit.phase().ordinal() >= at.phase().ordinal() && !sink.dmaRegistered()) {
            DmaTraffic.register(sink);
        }
        unit.action().accept(sink);
        for (int t = 0; t < transfersAfterUnit[next]; t++) {
            sink.pause(100, 5_000);
            DmaTraffic.transfer(sink);
        }
        next++;
        return true;
    }
}
