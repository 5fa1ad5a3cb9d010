package org.mtrrledger.events.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.testing.Ev;
import org.mtrrledger.events.testing.Gens;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class EventCodecTest {
    private final EventCodec codec = new EventCodec();

    @Test
    void shouldWriteTheSingleObjectHeader() {
        byte[] b = codec.encode(Ev.msr("vm-1", 0, 0x2ff, 0xc06));
        assertEquals((byte) 0xC3, b[0]);
        assertEquals(0x01, b[1]);
        assertEquals(codec.currentFingerprint(), EventCodec.fingerprint(b));
    }

    @Test
    void shouldHaveReleasedTheCompiledSchemaAsTheNewestVersion() {
        List<ReleasedSchemas.Released> all = ReleasedSchemas.all();
        assertEquals(SchemaNormalization.parsingFingerprint64(MtrrEvent.getClassSchema()),
                all.get(all.size() - 1).fingerprint(), "a schema change needs a new mtrr-event-vN.avsc");
    }

    @Test
    void shouldDecodeARecordWrittenWithTheV1SchemaIntoTheCurrentOne() throws Exception {
        Schema v1 = ReleasedSchemas.all().get(0).schema();
        GenericRecord msr = new GenericData.Record(v1.getField("payload").schema().getTypes().get(2));
        msr.put("msr", 0x2ffL);
        msr.put("value", 0xc06L);
        msr.put("hostInitiated", false);
        msr.put("faulted", false);
        GenericRecord pos = new GenericData.Record(v1.getField("source").schema().getTypes().get(1));
        pos.put("file", "boot.trace");
        pos.put("line", 77L);
        GenericRecord ev = new GenericData.Record(v1);
        ev.put("vm", "vm-1");
        ev.put("vcpu", 0);
        ev.put("timestampNs", null);
        ev.put("source", pos);
        ev.put("payload", msr);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fp = SchemaNormalization.parsingFingerprint64(v1);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fp >>> (8 * i)));
        }
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1).write(ev, enc);
        enc.flush();
        MtrrEvent decoded = codec.decode(out.toByteArray());
        assertEquals("vm-1", decoded.getVm());
        assertEquals(new MsrWrite(0x2ffL, 0xc06L, false, false), decoded.getPayload());
        assertEquals(new FilePosition("boot.trace", 77L), decoded.getSource());
        assertNull(decoded.getIngest(), "a field added in v2 takes its default");
    }

    @Test
    void shouldRejectAnUnknownFingerprintWithAClearError() {
        byte[] b = codec.encode(Ev.msr("vm-1", 0, 0x2ff, 0xc06));
        b[5] ^= 0x55;
        UnknownSchemaException e = assertThrows(UnknownSchemaException.class, () -> codec.decode(b));
        assertTrue(e.getMessage().contains("unknown writer schema fingerprint"), e.getMessage());
    }

    @Test
    void shouldRejectAPayloadWithoutTheHeader() {
        assertThrows(UnknownSchemaException.class, () -> codec.decode(new byte[] {1, 2, 3}));
        assertThrows(UnknownSchemaException.class, () -> codec.decode(new byte[0]));
    }

    @Test
    void shouldRejectATruncatedBody() {
        byte[] b = codec.encode(Ev.msr("vm-1", 0, 0x2ff, 0xc06));
        byte[] cut = java.util.Arrays.copyOf(b, EventCodec.HEADER + 2);
        assertThrows(UnknownSchemaException.class, () -> codec.decode(cut));
    }

    @Test
    void shouldRoundTripAnyEvent() {
        qt().withExamples(300).forAll(events()).checkAssert(e -> {
            byte[] b = codec.encode(e);
            assertEquals(e, codec.decode(b));
            assertArrayEquals(b, codec.encode(codec.decode(b)));
        });
    }

    /** The Avro body as a fresh writer writes it straight to a stream, the way every record was encoded first. */
    static byte[] directBody(MtrrEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new SpecificDatumWriter<MtrrEvent>(MtrrEvent.getClassSchema()).write(e, enc);
            enc.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    static byte[] body(byte[] encoded) {
        return java.util.Arrays.copyOfRange(encoded, EventCodec.HEADER, encoded.length);
    }

    @Test
    void shouldEncodeEveryEventAsAFreshDirectWriterDoes() {
        qt().withExamples(300).forAll(events()).checkAssert(e -> assertArrayEquals(directBody(e), body(codec.encode(e))));
    }

    @Test
    void shouldEncodeCleanlyAfterAnEventThatFailedHalfWay() {
        MtrrEvent good = Ev.msr("vm-1", 0, 0x2ff, 0xc06);
        // vm, vcpu, timestamp and source are written before the missing payload fails the record.
        MtrrEvent bad = new MtrrEvent("vm-1", 0, 5L, new FilePosition("f", 1L), null, null);
        assertThrows(RuntimeException.class, () -> codec.encode(bad));
        assertArrayEquals(directBody(good), body(codec.encode(good)));
    }

    static Gen<MtrrEvent> events() {
        Gen<String> vm = Gens.over("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", 1, 12);
        Gen<Integer> vcpu = Gens.intsIn(0, 1023);
        Gen<Long> any = Gens.anyLong();
        Gen<MtrrEvent> msr = vm.zip(vcpu, Gens.longsIn(0, 0xffffffffL), any, Generate.booleans(),
                (v, c, m, val, host) -> MtrrEvent.newBuilder().setVm(v).setVcpu(c)
                        .setPayload(new MsrWrite(m, val, host, !host)).setSource(new FilePosition("f.trace", (long) c))
                        .setTimestampNs(val).build());
        Gen<MtrrEvent> cr0 = vm.zip(vcpu, any, Ev::cr0);
        Gen<MtrrEvent> dma = vm.zip(any, Gens.longsIn(1, 1L << 40), Ev::dmaTransfer);
        Gen<MtrrEvent> cfg = vm.zip(Gens.intsIn(12, 52), Generate.booleans(), (v, p, b) -> Ev.config(v, p, b, !b, b));
        return Generate.oneOf(msr, cr0, dma, cfg, vm.map(Ev::dmaRegister));
    }
}
