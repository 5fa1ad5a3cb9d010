package org.mtrrledger.events.gen;

import java.util.Objects;

/**
 * Everything that shapes a generated fleet of boot logs. Same spec (including {@code seed}) → same events.
 *
 * @param seed             root of all randomness ({@link java.util.SplittableRandom}); also recorded in every
 *                         event's {@code GeneratorPosition}
 * @param vms              number of VMs, generated one after another
 * @param vcpus            vCPUs per VM (fixed or a per-VM range)
 * @param firmware         SeaBIOS, OVMF or a per-VM mix
 * @param guest            guest OS
 * @param noncoherentDma   when the VM's non-coherent VFIO device registers
 * @param quirkCdNwCleared KVM_X86_QUIRK_CD_NW_CLEARED as recorded in vm_config
 * @param maxPhysAddr      guest CPUID MAXPHYADDR; SeaBIOS's {@code phys_bits} and every PHYSMASK derive from it
 * @param ramBytes         guest RAM; decides low RAM, SeaBIOS's {@code pcimem_start} (i440fx) and OVMF's Uc32Base
 * @param machine          q35 or i440fx
 * @param scenarios        optional runtime scenarios
 * @param vmIdPrefix       VM ids are {@code prefix + index}
 * @param startTimeNs      timestamp of the first event (host uptime, like ftrace's clock)
 */
public record GeneratorSpec(long seed, int vms, VcpuRange vcpus, FirmwareChoice firmware, Guest guest,
                            NoncoherentDma noncoherentDma, boolean quirkCdNwCleared, int maxPhysAddr, long ramBytes,
                            Machine machine, Scenarios scenarios, String vmIdPrefix, long startTimeNs) {
    public static final long GIB = 1L << 30;

    public GeneratorSpec {
        Objects.requireNonNull(vcpus, "vcpus");
        Objects.requireNonNull(firmware, "firmware");
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(noncoherentDma, "noncoherentDma");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(scenarios, "scenarios");
        Objects.requireNonNull(vmIdPrefix, "vmIdPrefix");
        if (vms < 1) {
            throw new IllegalArgumentException("vms must be >= 1");
        }
        if (maxPhysAddr < 36 || maxPhysAddr > 52) {
            throw new IllegalArgumentException("maxPhysAddr must be 36..52 (firmware needs > 32 bits), got " + maxPhysAddr);
        }
        if (ramBytes < 64L << 20) {
            throw new IllegalArgumentException("ramBytes must be >= 64 MiB");
        }
        if (startTimeNs < 0) {
            throw new IllegalArgumentException("startTimeNs must be >= 0");
        }
        if (scenarios.pci64HoleUc() != Pci64HoleUc.NONE && maxPhysAddr < 37) {
            throw new IllegalArgumentException("the 32-64 GiB PCI hole needs maxPhysAddr >= 37");
        }
    }

    /** One q35 VM, 2 vCPUs, OVMF, Linux, 4 GiB, 46-bit, quirk on, no DMA, no scenarios, seed 1. */
    public static GeneratorSpec defaults() {
        return new GeneratorSpec(1L, 1, VcpuRange.exactly(2), FirmwareChoice.OVMF, Guest.LINUX, NoncoherentDma.NONE,
                true, 46, 4 * GIB, Machine.Q35, Scenarios.NONE, "vm-", 100_000_000_000L);
    }

    public GeneratorSpec withSeed(long s) {
        return new GeneratorSpec(s, vms, vcpus, firmware, guest, noncoherentDma, quirkCdNwCleared, maxPhysAddr,
                ramBytes, machine, scenarios, vmIdPrefix, startTimeNs);
    }

    public GeneratorSpec withVms(int n) {
        return new GeneratorSpec(seed, n, vcpus, firmware, guest, noncoherentDma, quirkCdNwCleared, maxPhysAddr,
                ramBytes, machine, scenarios, vmIdPrefix, startTimeNs);
    }

    public GeneratorSpec withVcpus(VcpuRange r) {
        return new GeneratorSpec(seed, vms, r, firmware, guest, noncoherentDma, quirkCdNwCleared, maxPhysAddr,
                ramBytes, machine, scenarios, vmIdPrefix, startTimeNs);
    }

    public GeneratorSpec withFirmware(FirmwareChoice f) {
        return new GeneratorSpec(seed, vms, vcpus, f, guest, noncoherentDma, quirkCdNwCleared, maxPhysAddr,
                ramBytes, machine, scenarios, vmIdPrefix, startTimeNs);
    }

    public GeneratorSpec withNoncoherentDma(NoncoherentDma d) {
        return new GeneratorSpec(seed, vms, vcpus, firmware, guest, d, quirkCdNwCleared, maxPhysAddr,
                ramBytes, machine, scenarios, vmIdPrefix, startTimeNs);
    }

    public GeneratorSpec withQuirkCdNwCleared(boolean q) {
        return new GeneratorSpec(seed, vms, vcpus, firmware, guest, noncoherentDma, q, maxPhysAddr,
                ramBytes, machine, scenarios, vmIdPrefix, startTimeNs);
    }

    public GeneratorSpec withMaxPhysAddr(int bits) {
        return new GeneratorSpec(seed, vms, vcpus, firmware, guest, noncoherentDma, quirkCdNwCleared, bits,
                ramBytes, machine, scenarios, vmIdPrefix, startTimeNs);
    }

    public GeneratorSpec withRamBytes(long bytes) {
        return new GeneratorSpec(seed, vms, vcpus, firmware, guest, noncoherentDma, quirkCdNwCleared, maxPhysAddr,
                bytes, machine, scenarios, vmIdPrefix, startTimeNs);
    }

    public GeneratorSpec withMachine(Machine m) {
        return new GeneratorSpec(seed, vms, vcpus, firmware, guest, noncoherentDma, quirkCdNwCleared, maxPhysAddr,
                ramBytes, m, scenarios, vmIdPrefix, startTimeNs);
    }

    public GeneratorSpec withScenarios(Scenarios s) {
        return new GeneratorSpec(seed, vms, vcpus, firmware, guest, noncoherentDma, quirkCdNwCleared, maxPhysAddr,
                ramBytes, machine, s, vmIdPrefix, startTimeNs);
    }

    public GeneratorSpec withVmIdPrefix(String prefix) {
        return new GeneratorSpec(seed, vms, vcpus, firmware, guest, noncoherentDma, quirkCdNwCleared, maxPhysAddr,
                ramBytes, machine, scenarios, prefix, startTimeNs);
    }
}
