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

/**
 * The semantic rules every ingested event must satisfy, shared by both parsers (after syntax) and both writers (so
 * nothing is written that could not be read back). Syntax errors are the parsers' business; these are the limits
 * the engine relies on: KVM's vCPU index range ({@code KVM_MAX_VCPUS} 1024 on x86), 32-bit MSR indices (ECX),
 * MAXPHYADDR 12..52, and which payloads are vCPU-scoped.
 */
public final class EventRules {
    public static final int MAX_VCPU = 1023;
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

    /** A VM id must be non-empty and free of NUL (it becomes a Kafka key and a file/DB key). */
    public static Optional<String> vmIdViolation(String vm) {
        if (vm == null || vm.isEmpty()) {
            return Optional.of("vm id is missing or empty");
        }
        if (vm.indexOf('\0') >= 0) {
            return Optional.of("vm id contains NUL");
        }
        return Optional.empty();
    }

    private static Optional<String> dmaViolation(DmaOp d) {
        if (d.getOp() == null) {
            return Optional.of("missing dma op");
        }
        if (d.getDevice() != null && (d.getDevice().isEmpty() || d.getDevice().indexOf('\0') >= 0)) {
            return Optional.of("dma device must be non-empty and free of NUL");
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
