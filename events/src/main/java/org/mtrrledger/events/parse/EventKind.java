package org.mtrrledger.events.parse;

import java.util.List;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;

/** Event categories as counted by {@link ParseStats} (guest and host-initiated MSR writes are told apart). */
public enum EventKind {
    VM_CONFIG, VCPU_LIFECYCLE, MSR_WRITE, HOST_MSR_WRITE, CR0_WRITE, DMA_OP;

    public static EventKind of(MtrrEvent event) {
        Object payload = event.getPayload();
        if (payload instanceof MsrWrite w) {
            return w.getHostInitiated() ? HOST_MSR_WRITE : MSR_WRITE;
        } else if (payload instanceof Cr0Write) {
            return CR0_WRITE;
        } else if (payload instanceof VcpuLifecycle) {
            return VCPU_LIFECYCLE;
        } else if (payload instanceof DmaOp) {
            return DMA_OP;
        } else if (payload instanceof VmConfig) {
            return VM_CONFIG;
        }
        throw new IllegalArgumentException("unknown payload " + payload);
    }

    /** Every {@link #type()} name, in the order help texts list them. */
    public static final List<String> TYPES = List.of("msr_write", "cr0_write", "dma", "vcpu", "vm_config");

    /** The event's {@code type} in JSON Lines input and in every JSON output (a host MSR write is an msr_write). */
    public String type() {
        return switch (this) {
            case MSR_WRITE, HOST_MSR_WRITE -> "msr_write";
            case CR0_WRITE -> "cr0_write";
            case DMA_OP -> "dma";
            case VCPU_LIFECYCLE -> "vcpu";
            case VM_CONFIG -> "vm_config";
        };
    }

    public static String typeOf(MtrrEvent event) {
        return of(event).type();
    }
}
