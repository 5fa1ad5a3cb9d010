package org.mtrrledger.projections.capture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to boot and how to record it.
 *
 * @param qemu           the QEMU binary ({@code qemu-system-x86_64})
 * @param firmware       firmware image
 * @param kernel         a Linux kernel image ({@code vmlinuz}), booted with QEMU's {@code -kernel}
 * @param smp            vCPUs
 * @param memoryMiB      guest RAM in MiB
 * @param machine        {@code q35} or {@code pc} (i440fx)
 * @param cpu            QEMU {@code -cpu} model and flags
 * @param append         extra kernel command line, after {@code console=ttyS0 nokaslr panic=-1}
 * @param noncoherentDma whether the VM has non-coherent DMA registered before boot (an assigned device whose
 *                       IOMMU does not enforce snooping, like Yan's setup in the seed thread)
 * @param vm             VM id in the written trace
 * @param timeLimit      the whole capture's time limit
 * @param traced         which writes go into the trace
 * @param until          stop the guest once its console has printed this text (a kernel that mounts a root file
 *                       system never panics), or null to run until the guest ends
 * @param qemuResetWrites whether to add QEMU's untraced KVM_SET_MSRS loads of the MTRRs at vCPU creation and
 *                       system reset ({@code kvm_put_msrs()} at {@code KVM_PUT_FULL_STATE} and
 *                       {@code KVM_PUT_RESET_STATE}), which a KVM host performs and whose DEF_TYPE writes can zap
 */
public record CaptureSpec(String qemu, FirmwareImage firmware, Path kernel, int smp, long memoryMiB, String machine,
        String cpu, String append, boolean noncoherentDma, String vm, Duration timeLimit, TracedWrites traced,
        boolean qemuResetWrites, String until) {

    /** QEMU's guest physical-address width under TCG when the CPU model does not set {@code phys-bits}. */
    static final int TCG_DEFAULT_PHYS_BITS = 40;
    private static final Pattern PHYS_BITS = Pattern.compile("(?:^|,)phys-bits=(\\d+)(?:,|$)");

    public CaptureSpec {
        if (smp < 1 || smp > 288) {
            throw new IllegalArgumentException("--smp: 1..288 (QEMU's q35 limit), not " + smp);
        }
        if (memoryMiB < 64) {
            throw new IllegalArgumentException("--memory: at least 64M");
        }
        machine = machine.toLowerCase(Locale.ROOT);
        if (!machine.equals("q35") && !machine.equals("pc")) {
            throw new IllegalArgumentException("--machine: q35 or pc, not '" + machine + "'");
        }
        if (machine.equals("pc") && smp > 255) {
            throw new IllegalArgumentException("--smp: the pc machine takes at most 255 vCPUs");
        }
    }

    /** MAXPHYADDR the guest's CPUID reports: the model's {@code phys-bits=}, else QEMU's TCG default. */
    int maxPhysAddr() {
        Matcher m = PHYS_BITS.matcher(cpu);
        return m.find() ? Integer.parseInt(m.group(1)) : TCG_DEFAULT_PHYS_BITS;
    }

    /** Whether the CPU model leaves CPUID.01H:EDX.MTRR on (every named x86-64 model has it unless removed). */
    boolean guestHasMtrr() {
        String c = "," + cpu.toLowerCase(Locale.ROOT) + ",";
        return !c.contains(",-mtrr,") && !c.contains(",mtrr=off,") && !c.contains(",mtrr=false,");
    }

    String kernelCommandLine() {
        String base = "console=ttyS0 nokaslr panic=-1";
        return append == null || append.isBlank() ? base : base + " " + append.strip();
    }
}
