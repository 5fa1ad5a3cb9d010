package org.mtrrledger.projections.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.BootPhase;
import org.mtrrledger.events.gen.FirmwareChoice;
import org.mtrrledger.events.gen.FleetGenerator;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.gen.Machine;
import org.mtrrledger.events.gen.NoncoherentDma;
import org.mtrrledger.events.gen.Pci64HoleUc;
import org.mtrrledger.events.gen.Scenarios;
import org.mtrrledger.events.gen.VcpuRange;
import org.mtrrledger.events.parse.LogFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gen", mixinStandardHelpOptions = true,
        description = "Write a production-like boot log (firmware + Linux MTRR programming per vCPU), deterministic "
                + "for a seed.")
final class GenCommand implements Callable<Integer> {
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Output file.")
    Path out;

    @Option(names = "--format", paramLabel = "FMT", description = "jsonl or ftrace (default: by extension, .jsonl "
            + "or anything else = ftrace).")
    String format;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed: the same seed and options give the "
            + "same file (default 1).")
    long seed;

    @Option(names = "--vms", defaultValue = "1", description = "Number of VMs (default 1).")
    int vms;

    @Option(names = "--events", paramLabel = "N",
            description = "Instead of --vms: enough VMs for about N events (fleet logs).")
    Long events;

    @Option(names = "--vcpus", defaultValue = "2", paramLabel = "N|MIN..MAX",
            description = "vCPUs per VM, 1..1024, or a range picked per VM (default 2).")
    String vcpus;

    @Option(names = "--firmware", defaultValue = "ovmf", description = "ovmf, seabios or mixed.")
    String firmware;

    @Option(names = "--guest", defaultValue = "linux", description = "linux (the only guest modelled).")
    String guest;

    @Option(names = "--noncoherent-dma", description = "Register non-coherent DMA before boot.")
    boolean noncoherentDma;

    @Option(names = "--dma-attach-at", paramLabel = "PHASE|INDEX", description = "Register non-coherent DMA at a "
            + "boot phase (qemu_reset, firmware, linux_bsp_early, linux_ap_bringup, linux_rendezvous, runtime) or as "
            + "the VM's N-th event.")
    String dmaAttachAt;

    @Option(names = "--quirk", defaultValue = "on", description = "KVM_X86_QUIRK_CD_NW_CLEARED on|off.")
    String quirk;

    @Option(names = "--maxphyaddr", defaultValue = "46", description = "Guest MAXPHYADDR in bits (default 46).")
    int maxPhysAddr;

    @Option(names = "--ram", defaultValue = "4G", description = "Guest RAM, e.g. 2G, 3072M (default 4G).")
    String ram;

    @Option(names = "--machine", defaultValue = "q35", description = "q35 or i440fx.")
    String machine;

    @Option(names = "--kexec", description = "A kexec reboot after boot.")
    boolean kexec;

    @Option(names = "--cpu-offline-online", description = "Offline and re-online the last AP.")
    boolean offlineOnline;

    @Option(names = "--cpu-hotplug", description = "Hot-add a fresh vCPU (all-zero MTRRs) after boot.")
    boolean hotAdd;

    @Option(names = "--runtime-mtrr", description = "Runtime mtrr_add/mtrr_del rendezvous.")
    boolean runtimeMtrr;

    @Option(names = "--qemu-reset", description = "QEMU's host-initiated MTRR loads after vCPU creation and system "
            + "reset (KVM_SET_MSRS, not traced).")
    boolean qemuReset;

    @Option(names = "--tcg", description = "The host is QEMU TCG, as for the samples/captures boots, not KVM: an INIT "
            + "zeroes the vCPU's MTRRs and the vCPUs take turns.")
    boolean tcg;

    @Option(names = "--pci64-uc", paramLabel = "WHO", defaultValue = "none",
            description = "UC over the 32-64 GiB PCI hole written by: none, kernel or firmware.")
    String pci64;

    @Option(names = "--dma-transfers", defaultValue = "0", paramLabel = "N", description = "DMA transfers during boot.")
    int dmaDuring;

    @Option(names = "--dma-transfers-after", defaultValue = "0", paramLabel = "N",
            description = "DMA transfers after boot.")
    int dmaAfter;

    @Option(names = "--vm-prefix", defaultValue = "vm-", description = "VM ids are PREFIX0, PREFIX1, ...")
    String vmPrefix;

    @Override
    public Integer call() throws java.io.IOException {
        GeneratorSpec spec;
        try {
            spec = spec();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageError(e.getMessage());
        }
        if (events != null) {
            FleetGenerator.FleetPlan plan = FleetGenerator.plan(spec, events);
            spec = plan.spec();
            System.err.printf("# fleet: %d VMs, about %,d events%n", spec.vms(), plan.estimatedEvents());
        }
        LogFormat fmt = format != null ? LogFormat.fromName(format)
                : out.toString().endsWith(".jsonl") ? LogFormat.JSONL : LogFormat.FTRACE;
        long n = BootLogGenerator.write(spec, out, fmt);
        System.out.printf("wrote %,d events of %d VM(s) to %s (%s, seed %d)%n", n, spec.vms(), out,
                fmt.name().toLowerCase(Locale.ROOT), seed);
        return 0;
    }

    private GeneratorSpec spec() {
        if (!guest.equalsIgnoreCase("linux")) {
            throw new IllegalArgumentException("--guest: only linux is modelled");
        }
        NoncoherentDma dma = NoncoherentDma.NONE;
        if (dmaAttachAt != null) {
            dma = dmaAttachAt.chars().allMatch(Character::isDigit) ? new NoncoherentDma.AtEvent(Long.parseLong(
                    dmaAttachAt)) : new NoncoherentDma.AtPhase(BootPhase.valueOf(dmaAttachAt.toUpperCase(Locale.ROOT)));
        } else if (noncoherentDma) {
            dma = NoncoherentDma.BEFORE_BOOT;
        }
        Scenarios sc = new Scenarios(qemuReset, kexec, offlineOnline, hotAdd, runtimeMtrr,
                Pci64HoleUc.valueOf(pci64.toUpperCase(Locale.ROOT)), dmaDuring, dmaAfter, tcg);
        return GeneratorSpec.defaults().withSeed(seed).withVms(vms).withVcpus(vcpuRange())
                .withFirmware(FirmwareChoice.valueOf(firmware.toUpperCase(Locale.ROOT))).withNoncoherentDma(dma)
                .withQuirkCdNwCleared(onOff(quirk)).withMaxPhysAddr(maxPhysAddr).withRamBytes(Args.bytes("--ram", ram))
                .withMachine(Machine.valueOf(machine.toUpperCase(Locale.ROOT))).withScenarios(sc)
                .withVmIdPrefix(vmPrefix);
    }

    private VcpuRange vcpuRange() {
        int i = vcpus.indexOf("..");
        if (i < 0) {
            return VcpuRange.exactly(Integer.parseInt(vcpus.trim()));
        }
        return new VcpuRange(Integer.parseInt(vcpus.substring(0, i).trim()),
                Integer.parseInt(vcpus.substring(i + 2).trim()));
    }

    private static boolean onOff(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "on", "true", "1" -> true;
            case "off", "false", "0" -> false;
            default -> throw new IllegalArgumentException("--quirk: on or off, not '" + s + "'");
        };
    }
}
