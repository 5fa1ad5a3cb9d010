package org.mtrrledger.events.parse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.model.EventKind;
import org.mtrrledger.events.model.Hex;

/**
 * Writes the JSON Lines form read by {@link JsonLinesParser}. Field order is fixed ({@code vm, vcpu, ts_ns, type,
 * …}); MSR numbers, values, CR0, GPA and lengths are {@code "0x…"} lower-case strings (unsigned 64-bit safe, like
 * the kernel's {@code 0x%llx}); optional flags ({@code host_initiated}, {@code gp}) appear only when true, and
 * vm_config always spells out all four fields.
 */
public final class JsonLinesWriter implements LogWriter {
    private final Writer out;
    private final JsonGenerator gen;

    public JsonLinesWriter(Writer out) {
        this.out = out;
        try {
            this.gen = JsonLineDecoder.MAPPER.getFactory().createGenerator(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.setPrettyPrinter(new MinimalPrettyPrinter(""));
    }

    /** Where {@link #payloadFields} puts a field: values are {@code String}, {@code Integer} or {@code Boolean}. */
    @FunctionalInterface
    public interface FieldSink {
        void field(String name, Object value);
    }

    /**
     * The payload's fields in the JSON Lines spelling and order, after {@code type}: the one spelling shared by the
     * input format and every JSON view of an event. Optional fields appear only when set (a valid event has
     * {@code gpa}/{@code len} exactly when it is a transfer).
     */
    public static void payloadFields(MtrrEvent e, FieldSink out) {
        Object p = e.getPayload();
        if (p instanceof VmConfig c) {
            out.field("maxphyaddr", c.getMaxPhysAddr());
            out.field("guest_has_mtrr", c.getGuestHasMtrr());
            out.field("tdp_enabled", c.getTdpEnabled());
            out.field("quirk_cd_nw_cleared", c.getQuirkCdNwCleared());
        } else if (p instanceof VcpuLifecycle l) {
            out.field("op", lower(l.getOp()));
            if (l.getInitialCr0() != null) {
                out.field("cr0", Hex.of(l.getInitialCr0()));
            }
        } else if (p instanceof MsrWrite w) {
            out.field("msr", Hex.of(w.getMsr()));
            out.field("value", Hex.of(w.getValue()));
            if (w.getHostInitiated()) {
                out.field("host_initiated", true);
            }
            if (w.getFaulted()) {
                out.field("gp", true);
            }
        } else if (p instanceof Cr0Write c) {
            out.field("value", Hex.of(c.getValue()));
        } else if (p instanceof DmaOp d) {
            out.field("op", lower(d.getOp()));
            if (d.getGpa() != null) {
                out.field("gpa", Hex.of(d.getGpa()));
            }
            if (d.getLength() != null) {
                out.field("len", Hex.of(d.getLength()));
            }
            if (d.getDevice() != null) {
                out.field("device", d.getDevice());
            }
            if (d.getDirection() != null) {
                out.field("direction", lower(d.getDirection()));
            }
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private void writeField(String name, Object value) {
        try {
            if (value instanceof String v) {
                gen.writeStringField(name, v);
            } else if (value instanceof Integer v) {
                gen.writeNumberField(name, v);
            } else {
                gen.writeBooleanField(name, (Boolean) value);
            }
        } catch (IOException io) {
            throw new java.io.UncheckedIOException(io);
        }
    }

    @Override
    public void write(MtrrEvent e) throws IOException {
        LogWriter.requireValid(e);
        gen.writeStartObject();
        gen.writeStringField("vm", e.getVm());
        if (e.getVcpu() != null) {
            gen.writeNumberField("vcpu", e.getVcpu());
        }
        if (e.getTimestampNs() != null) {
            gen.writeNumberField("ts_ns", e.getTimestampNs());
        }
        gen.writeStringField("type", EventKind.of(e).type());
        try {
            payloadFields(e, this::writeField);
        } catch (java.io.UncheckedIOException u) {
            throw u.getCause();
        }
        gen.writeEndObject();
        gen.writeRaw('\n');
    }

    @Override
    public void flush() throws IOException {
        gen.flush();
    }

    @Override
    public void close() throws IOException {
        gen.close();
        out.close();
    }
}
