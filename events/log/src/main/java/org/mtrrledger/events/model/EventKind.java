package org.mtrrledger.events.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;

/**
 * The kinds of event and the one place their names are spelled: {@link #type()} is the {@code "type"} of a JSON
 * Lines line and of the JSON views, {@link #record()} the first word of a {@code # mtrr:} record in a trace. Guest
 * and host-initiated MSR writes are told apart (the parse statistics count them separately, a trace record names
 * them separately) but share the type {@code msr_write}, where {@code host_initiated} tells them apart.
 */
public enum EventKind {
    VM_CONFIG("vm_config"),
    VCPU_LIFECYCLE("vcpu"),
    MSR_WRITE("msr_write"),
    HOST_MSR_WRITE("host_msr_write"),
    CR0_WRITE("cr0_write"),
    DMA_OP("dma");

    private static final Map<String, EventKind> BY_TYPE = new HashMap<>();
    private static final Map<String, EventKind> BY_RECORD = new HashMap<>();
    /** "vm_config, vcpu, msr_write, cr0_write or dma", for messages that list the valid types. */
    public static final String TYPES;

    static {
        List<String> types = new ArrayList<>();
        for (EventKind k : values()) {
            BY_RECORD.put(k.record, k);
            if (BY_TYPE.putIfAbsent(k.type(), k) == null) {
                types.add(k.type());
            }
        }
        TYPES = String.join(", ", types.subList(0, types.size() - 1)) + " or " + types.get(types.size() - 1);
    }

    private final String record;

    EventKind(String record) {
        this.record = record;
    }

    /** The {@code # mtrr:} record name. */
    public String record() {
        return record;
    }

    /** The JSON {@code "type"}: the record name, except that a host-initiated MSR write is an {@code msr_write}. */
    public String type() {
        return this == HOST_MSR_WRITE ? MSR_WRITE.record : record;
    }

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

    /** The JSON {@code "type"} of {@code event}. */
    public static String typeOf(MtrrEvent event) {
        return of(event).type();
    }

    /** The kind with JSON type {@code type} ({@link #MSR_WRITE} for {@code msr_write}), or null. */
    public static EventKind ofType(String type) {
        return BY_TYPE.get(type);
    }

    /** The kind whose {@code # mtrr:} record is named {@code record}, or null. */
    public static EventKind ofRecord(String record) {
        return BY_RECORD.get(record);
    }
}
