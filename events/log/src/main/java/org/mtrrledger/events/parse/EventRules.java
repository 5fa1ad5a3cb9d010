package org.mtrrledger.events.parse;

import java.util.Optional;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.model.Hex;

/**
 * The limits of a valid event, in one place: both parsers check them after syntax, both writers before writing, and
 * the engine checks every record it reads from the topic against the same rules ({@link #recordViolation},
 * {@link #violation}), so nothing ingest accepts can stop the fold, and whatever another producer writes is either
 * folded or skipped with a reason. Syntax errors are the parsers' business. Why each limit:
 * <ul>
 *   <li>vCPU index 0..{@value #MAX_VCPU}: the index of a vCPU (QEMU's {@code CPU n/KVM}, KVM's {@code vcpu_idx}) is
 *       below {@code KVM_MAX_VCPUS}, 1024 on x86 in v6.4, the kernel the fold models (v6.4
 *       {@code arch/x86/include/asm/kvm_host.h}; {@code KVM_MAX_VCPU_IDS} = 4 x that bounds the sparse APIC-ID-based
 *       vcpu_id instead, which no event carries). Newer kernels take the maximum from
 *       {@code CONFIG_KVM_MAX_NR_VCPUS} (4096 with MAXSMP); raise this with the modelled kernel;
 *   <li>VM id 1..{@value #MAX_VM_ID_BYTES} bytes of UTF-8, no NUL, no unpaired surrogate: NUL is the separator of
 *       the store's VM-keyed keys, an unpaired surrogate has no UTF-8 form (two ids would share one key), and 255 is
 *       a Linux file name (NAME_MAX), which a trace file's default VM id always fits; the id is in every store key
 *       of the VM and in its serialized state, so it must stay short;
 *   <li>DMA device name: the same as a VM id (a PCI address is 12 characters);
 *   <li>an encoded record at most {@value #MAX_RECORD_BYTES} bytes: with the string limits above a valid event
 *       encodes to well under 5 KiB even with a 4096-byte source path (PATH_MAX); a bigger record is not one
 *       mtrr-ledger wrote;
 *   <li>32-bit MSR indices (ECX), MAXPHYADDR 12..52, and which payloads are vCPU-scoped.
 * </ul>
 */
public final class EventRules {
    public static final int MAX_VCPU = 1023;
    public static final int MAX_VM_ID_BYTES = 255;
    public static final int MAX_DEVICE_BYTES = 255;
    public static final int MAX_RECORD_BYTES = 8192;
    public static final int MIN_MAXPHYADDR = 12;
    public static final int MAX_MAXPHYADDR = 52;
    public static final long MAX_MSR = 0xffff_ffffL;

    private EventRules() {
    }

    /** The first rule {@code event} breaks, if any. */
    public static Optional<String> violation(MtrrEvent event) {
        Optional<String> vm = vmIdViolation(event.getVm());
        if (vm.isPresent()) {
            return vm;
        }
        Integer vcpu = event.getVcpu();
        if (vcpu != null && (vcpu < 0 || vcpu > MAX_VCPU)) {
            return Optional.of("vcpu " + vcpu + " outside 0.." + MAX_VCPU);
        }
        Long ts = event.getTimestampNs();
        if (ts != null && ts < 0) {
            return Optional.of("timestamp " + ts + " is negative");
        }
        Object payload = event.getPayload();
        if (payload == null) {
            return Optional.of("missing payload");
        }
        boolean vcpuScoped = payload instanceof MsrWrite || payload instanceof Cr0Write
                || payload instanceof VcpuLifecycle;
        if (vcpuScoped && vcpu == null) {
            return Optional.of("missing vcpu (required for " + typeName(payload) + ")");
        }
        if (!vcpuScoped && vcpu != null) {
            return Optional.of("vcpu not allowed for VM-scoped " + typeName(payload));
        }
        if (payload instanceof MsrWrite w && (w.getMsr() < 0 || w.getMsr() > MAX_MSR)) {
            return Optional.of("msr " + Hex.of(w.getMsr()) + " outside 32 bits");
        }
        if (payload instanceof VmConfig c
                && (c.getMaxPhysAddr() < MIN_MAXPHYADDR || c.getMaxPhysAddr() > MAX_MAXPHYADDR)) {
            return Optional.of("maxphyaddr " + c.getMaxPhysAddr() + " outside " + MIN_MAXPHYADDR + ".." + MAX_MAXPHYADDR);
        }
        if (payload instanceof VcpuLifecycle l) {
            if (l.getOp() == null) {
                return Optional.of("missing vcpu op");
            }
            if (l.getInitialCr0() != null && l.getOp() != LifecycleOp.CREATE) {
                return Optional.of("cr0 only allowed with op create");
            }
        }
        if (payload instanceof DmaOp d) {
            return dmaViolation(d);
        }
        return Optional.empty();
    }

    /** What is wrong with a VM id (see the class comment), if anything. */
    public static Optional<String> vmIdViolation(String vm) {
        if (vm == null || vm.isEmpty()) {
            return Optional.of("vm id is missing or empty");
        }
        return nameViolation("vm id", vm, MAX_VM_ID_BYTES);
    }

    /** What is wrong with an encoded record of {@code bytes} bytes, if anything. */
    public static Optional<String> recordViolation(int bytes) {
        return bytes > MAX_RECORD_BYTES
                ? Optional.of("record of " + bytes + " bytes exceeds the limit of " + MAX_RECORD_BYTES + " bytes")
                : Optional.empty();
    }

    private static Optional<String> nameViolation(String what, String s, int maxBytes) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\0') {
                return Optional.of(what + " contains NUL");
            }
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(what + " is not valid Unicode (unpaired surrogate at index " + i + ")");
            } else {
                bytes += 3;
            }
        }
        if (bytes > maxBytes) {
            return Optional.of(what + " of " + bytes + " bytes is longer than " + maxBytes + " bytes of UTF-8");
        }
        return Optional.empty();
    }

    private static Optional<String> dmaViolation(DmaOp d) {
        if (d.getOp() == null) {
            return Optional.of("missing dma op");
        }
        if (d.getDevice() != null) {
            if (d.getDevice().isEmpty()) {
                return Optional.of("dma device must be non-empty");
            }
            Optional<String> device = nameViolation("dma device", d.getDevice(), MAX_DEVICE_BYTES);
            if (device.isPresent()) {
                return device;
            }
        }
        if (d.getOp() == DmaOpKind.TRANSFER) {
            if (d.getGpa() == null || d.getLength() == null) {
                return Optional.of("dma transfer needs gpa and len");
            }
            if (d.getLength() == 0) {
                return Optional.of("dma transfer len is 0");
            }
            long last = d.getGpa() + d.getLength() - 1;
            if (Long.compareUnsigned(last, d.getGpa()) < 0) {
                return Optional.of("dma transfer gpa+len wraps past 2^64");
            }
        } else if (d.getGpa() != null || d.getLength() != null || d.getDirection() != null) {
            return Optional.of("gpa/len/direction only allowed for dma transfer");
        }
        return Optional.empty();
    }

    private static String typeName(Object payload) {
        return payload.getClass().getSimpleName();
    }
}
