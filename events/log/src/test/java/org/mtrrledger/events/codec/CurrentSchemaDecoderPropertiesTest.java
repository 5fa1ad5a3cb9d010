package org.mtrrledger.events.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaDirection;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link EventCodec#decode} reads bodies of the compiled schema with {@link CurrentSchemaDecoder}; it must decode
 * exactly what Avro's {@link SpecificDatumReader} decodes from the same bytes, and fail exactly where it fails.
 */
class CurrentSchemaDecoderPropertiesTest {
    private static final String DIGEST = MtrrEventGens.DIGEST;
    private static final String CORRUPT = "corrupt Avro body (schema v2): ";

    private final EventCodec codec = new EventCodec();

    /** What Avro decodes from the body of a payload: an event, or null if it throws. */
    static MtrrEvent specificReader(byte[] payload) {
        try {
            return new SpecificDatumReader<MtrrEvent>(MtrrEvent.getClassSchema()).read(null,
                    DecoderFactory.get().binaryDecoder(payload, EventCodec.HEADER, payload.length - EventCodec.HEADER,
                            null));
        } catch (IOException | RuntimeException ex) {
            return null;
        }
    }

    /** Decodes with {@code codec} and checks the outcome against the SpecificDatumReader's. */
    static void assertDecodesAsTheSpecificReader(EventCodec codec, byte[] payload) {
        MtrrEvent expected = specificReader(payload);
        if (expected == null) {
            UnknownSchemaException e = assertThrows(UnknownSchemaException.class, () -> codec.decode(payload),
                    "the SpecificDatumReader rejects " + Arrays.toString(payload));
            assertTrue(e.getMessage().startsWith(CORRUPT), e.getMessage());
        } else {
            assertEquals(expected, codec.decode(payload));
        }
    }

    @Test
    void shouldDecodeEveryEventAsTheSpecificDatumReaderDoes() {
        qt().withExamples(1000).forAll(MtrrEventGens.runs()).checkAssert(run -> {
            // One codec for the whole run: its string caches carry over from event to event, as in the engine.
            EventCodec one = new EventCodec();
            for (MtrrEvent e : run) {
                byte[] payload = one.encode(e);
                MtrrEvent expected = specificReader(payload);
                assertNotNull(expected);
                assertEquals(expected, one.decode(payload));
            }
        });
    }

    @Test
    void shouldFailWhereverTheSpecificDatumReaderFailsAndAgreeWhereItDoesNot() {
        qt().withExamples(2000).forAll(MtrrEventGens.events(), corruptions()).checkAssert((e, corruptions) -> {
            byte[] valid = codec.encode(e);
            byte[] corrupt = valid;
            for (Corruption c : corruptions) {
                corrupt = c.applyTo(corrupt);
            }
            assertDecodesAsTheSpecificReader(codec, valid);
            assertDecodesAsTheSpecificReader(codec, corrupt);
            // A failed body leaves nothing behind in the codec.
            assertEquals(specificReader(valid), codec.decode(valid));
        });
    }

    @Test
    void shouldUseTheHandWrittenDecoderForTheCompiledSchema() {
        assertTrue(codec.handWrittenForCurrentSchema(), "the compiled MtrrEvent schema is not release "
                + EventCodec.HAND_WRITTEN_VERSION + ": CurrentSchemaDecoder mirrors that release and is not used;"
                + " update it and EventCodec.HAND_WRITTEN_VERSION");
    }

    @Test
    void shouldIgnoreBytesAfterTheRecordAsTheSpecificDatumReaderDoes() {
        MtrrEvent e = new MtrrEvent("vm-1", 3, 5L, null, new Cr0Write(0x11L), DIGEST);
        byte[] longer = concat(codec.encode(e), new byte[] {1, 2, 3, (byte) 0xff});
        assertEquals(e, specificReader(longer));
        assertEquals(e, codec.decode(longer));
    }

    @Test
    void shouldRejectAUnionBranchOutOfRange() {
        // vm "a", then vcpu's ["null", "int"] branch 2.
        assertBothReject(payload(2, 'a', 4));
        // ... and branch -1.
        assertBothReject(payload(2, 'a', 1));
        // payload's five branches: branch 5.
        assertBothReject(payload(2, 'a', 0, 0, 0, 10));
    }

    @Test
    void shouldRejectAnEnumOrdinalOutOfRange() {
        // vm "a", vcpu, timestamp and source null, payload VcpuLifecycle with op 5 (of 5 symbols).
        assertBothReject(payload(2, 'a', 0, 0, 0, 2, 10, 0, 0));
        // DmaOp with direction 3 (of 3 symbols).
        assertBothReject(payload(2, 'a', 0, 0, 0, 8, 0, 0, 0, 0, 2, 6, 0));
    }

    @Test
    void shouldRejectAVarintLongerThanAvroAllows() {
        // timestampNs present, then 10 continuation bytes: an 11th byte would be needed.
        assertBothReject(payload(2, 'a', 0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
                0, 6, 0, 0));
        // vcpu present, then 5 continuation bytes.
        assertBothReject(payload(2, 'a', 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 6, 0, 0));
    }

    @Test
    void shouldDropVarintBitsBeyondTheTypeAsTheSpecificDatumReaderDoes() {
        // A 10-byte long whose last byte carries 7 bits where the 64-bit value has room for 1, and a 5-byte int
        // with 7 bits where 4 fit: BinaryDecoder drops the excess instead of failing.
        byte[] p = payload(2, 'a', 2, 0x80, 0x80, 0x80, 0x80, 0x7f, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                0x80, 0x7f, 0, 6, 0, 0);
        MtrrEvent expected = specificReader(p);
        assertNotNull(expected);
        assertEquals(0x78000000, expected.getVcpu());
        assertEquals(1L << 62, expected.getTimestampNs());
        assertEquals(expected, codec.decode(p));
    }

    @Test
    void shouldReadABooleanByteOtherThanOneAsFalseAsTheSpecificDatumReaderDoes() {
        // MsrWrite(msr 1, value 1, hostInitiated byte 2, faulted byte 1).
        byte[] p = payload(2, 'a', 0, 0, 0, 4, 2, 2, 2, 1, 0);
        assertEquals(new MsrWrite(1L, 1L, false, true), specificReader(p).getPayload());
        assertEquals(specificReader(p), codec.decode(p));
    }

    @Test
    void shouldRejectANegativeOrTooLongStringLength() {
        assertBothReject(payload(1, 'a'));
        // 2^62 bytes.
        assertBothReject(payload(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 'a'));
        assertBothReject(payload(8, 'a', 'b', 'c'));
    }

    @Test
    void shouldRejectEveryTruncationOfAValidBody() {
        MtrrEvent e = new MtrrEvent("vm-é", 7, -1L, new FilePosition("boot.trace", 1234L),
                new DmaOp(DmaOpKind.TRANSFER, "0000:01:00.0", 1L << 40, 4096L, DmaDirection.FROM_DEVICE), DIGEST);
        byte[] full = codec.encode(e);
        for (int n = EventCodec.HEADER; n < full.length; n++) {
            assertBothReject(Arrays.copyOf(full, n));
        }
        assertEquals(e, codec.decode(full));
    }

    @Test
    void shouldHandOutOneStringForARepeatedValueAndANewOneForAChangedValue() {
        MtrrEvent a = new MtrrEvent("vm-1", 0, null, new FilePosition("boot.trace", 1L), new Cr0Write(1L), DIGEST);
        MtrrEvent b = new MtrrEvent("vm-1", 0, null, new FilePosition("boot.trace", 2L), new Cr0Write(2L), DIGEST);
        MtrrEvent first = codec.decode(codec.encode(a));
        MtrrEvent second = codec.decode(codec.encode(b));
        assertEquals(b, second);
        assertSame(first.getVm(), second.getVm());
        assertSame(first.getIngest(), second.getIngest());
        assertSame(((FilePosition) first.getSource()).getFile(), ((FilePosition) second.getSource()).getFile());
        // Same length, one byte different: a new value, not the cached one.
        MtrrEvent c = new MtrrEvent("vm-2", 0, null, new FilePosition("boot.trbce", 3L), new Cr0Write(3L),
                DIGEST.replace('9', '8'));
        MtrrEvent third = codec.decode(codec.encode(c));
        assertEquals(c, third);
    }

    private void assertBothReject(byte[] payload) {
        assertNull(specificReader(payload), "the SpecificDatumReader accepts " + Arrays.toString(payload));
        UnknownSchemaException e = assertThrows(UnknownSchemaException.class, () -> codec.decode(payload));
        assertTrue(e.getMessage().startsWith(CORRUPT), e.getMessage());
    }

    /** The current schema's single-object header, then {@code body} (each int one byte). */
    private byte[] payload(int... body) {
        byte[] header = Arrays.copyOf(codec.encode(new MtrrEvent("h", null, null, null, new Cr0Write(0L), null)),
                EventCodec.HEADER);
        byte[] b = new byte[body.length];
        for (int i = 0; i < body.length; i++) {
            b[i] = (byte) body[i];
        }
        return concat(header, b);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** One edit of a payload's body (the header stays whole: a changed fingerprint is not this decoder's case). */
    record Corruption(Kind kind, int at, byte value) {
        enum Kind { SET, XOR, INSERT, DELETE, TRUNCATE, APPEND }

        byte[] applyTo(byte[] payload) {
            int body = payload.length - EventCodec.HEADER;
            int i = EventCodec.HEADER + (body == 0 ? 0 : Math.floorMod(at, body));
            byte[] out;
            switch (kind) {
                case SET, XOR -> {
                    if (body == 0) {
                        return payload;
                    }
                    out = payload.clone();
                    out[i] = kind == Kind.SET ? value : (byte) (out[i] ^ value);
                }
                case INSERT -> {
                    out = new byte[payload.length + 1];
                    System.arraycopy(payload, 0, out, 0, i);
                    out[i] = value;
                    System.arraycopy(payload, i, out, i + 1, payload.length - i);
                }
                case DELETE -> {
                    if (body == 0) {
                        return payload;
                    }
                    out = new byte[payload.length - 1];
                    System.arraycopy(payload, 0, out, 0, i);
                    System.arraycopy(payload, i + 1, out, i, payload.length - i - 1);
                }
                case TRUNCATE -> out = Arrays.copyOf(payload, i);
                default -> out = concat(payload, new byte[] {value});
            }
            return out;
        }
    }

    static Gen<List<Corruption>> corruptions() {
        // Bytes that matter to the binary encoding are likelier than others: 0, 1, continuation bits, all ones.
        Gen<Byte> values = Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0).mix(
                arbitrary().pick((byte) 0, (byte) 1, (byte) 2, (byte) 0x7f, (byte) 0x80, (byte) 0xff), 50);
        Gen<Corruption> one = Generate.enumValues(Corruption.Kind.class).zip(integers().allPositive(), values,
                Corruption::new);
        return lists().of(one).ofSizeBetween(1, 4);
    }
}
