package org.mtrrledger.events.parse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
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
        Object p = e.getPayload();
        if (p instanceof VmConfig c) {
            gen.writeNumberField("maxphyaddr", c.getMaxPhysAddr());
            gen.writeBooleanField("guest_has_mtrr", c.getGuestHasMtrr());
            gen.writeBooleanField("tdp_enabled", c.getTdpEnabled());
            gen.writeBooleanField("quirk_cd_nw_cleared", c.getQuirkCdNwCleared());
        } else if (p instanceof VcpuLifecycle l) {
            gen.writeStringField("op", l.getOp().name().toLowerCase(Locale.ROOT));
            if (l.getInitialCr0() != null) {
                gen.writeStringField("cr0", Hex.of(l.getInitialCr0()));
            }
        } else if (p instanceof MsrWrite w) {
            gen.writeStringField("msr", Hex.of(w.getMsr()));
            gen.writeStringField("value", Hex.of(w.getValue()));
            if (w.getHostInitiated()) {
                gen.writeBooleanField("host_initiated", true);
            }
            if (w.getFaulted()) {
                gen.writeBooleanField("gp", true);
            }
        } else if (p instanceof Cr0Write c) {
            gen.writeStringField("value", Hex.of(c.getValue()));
        } else if (p instanceof DmaOp d) {
            gen.writeStringField("op", d.getOp().name().toLowerCase(Locale.ROOT));
            if (d.getOp() == DmaOpKind.TRANSFER) {
                gen.writeStringField("gpa", Hex.of(d.getGpa()));
                gen.writeStringField("len", Hex.of(d.getLength()));
            }
            if (d.getDevice() != null) {
                gen.writeStringField("device", d.getDevice());
            }
            if (d.getDirection() != null) {
                gen.writeStringField("direction", d.getDirection().name().toLowerCase(Locale.ROOT));
            }
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
