package org.mtrrledger.events.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaDirection;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.GeneratorPosition;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;

/**
 * {@link EventCodec#encode} writes events with {@link CurrentSchemaEncoder}; it must write byte for byte what Avro's
 * {@link SpecificDatumWriter} writes, and leave every event that writer fails on to it, so the failure is the same.
 */
class CurrentSchemaEncoderPropertiesTest {
    private static final String DIGEST = MtrrEventGens.DIGEST;

    private final EventCodec codec = new EventCodec();
    private final byte[] header = Arrays.copyOf(codec.encode(new MtrrEvent("h", null, null, null, new Cr0Write(0L),
            null)), EventCodec.HEADER);

    /** The header, then the body a fresh SpecificDatumWriter writes (it throws where Avro throws). */
    private byte[] specificWriter(MtrrEvent e) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<MtrrEvent>(MtrrEvent.getClassSchema()).write(e, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void shouldEncodeEveryEventAsTheSpecificDatumWriterDoes() {
        qt().withExamples(1000).forAll(MtrrEventGens.runs()).checkAssert(run -> {
            // One codec and one encoder for the whole run: their string caches carry over from event to event.
            EventCodec one = new EventCodec();
            CurrentSchemaEncoder encoder = new CurrentSchemaEncoder(header);
            for (MtrrEvent e : run) {
                byte[] expected = specificWriterOrFail(e);
                byte[] direct = encoder.encode(e);
                assertNotNull(direct, "the hand-written encoder refused " + e);
                assertArrayEquals(expected, direct);
                assertArrayEquals(expected, one.encode(e));
            }
        });
    }

    private byte[] specificWriterOrFail(MtrrEvent e) {
        try {
            return specificWriter(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Test
    void shouldUseTheHandWrittenEncoderForTheCompiledSchema() {
        assertTrue(codec.handWrittenForCurrentSchema(), "the compiled MtrrEvent schema is not release "
                + EventCodec.HAND_WRITTEN_VERSION + ": CurrentSchemaEncoder mirrors that release and is not used;"
                + " update it and EventCodec.HAND_WRITTEN_VERSION");
    }

    @Test
    void shouldEncodeExtremeNumbersAndUnicodeAsTheSpecificDatumWriterDoes() throws IOException {
        List<MtrrEvent> events = List.of(
                new MtrrEvent("", Integer.MIN_VALUE, Long.MIN_VALUE, new GeneratorPosition(Long.MAX_VALUE,
                        Long.MIN_VALUE), new MsrWrite(Long.MIN_VALUE, Long.MAX_VALUE, true, false), ""),
                new MtrrEvent("vm-\uD83D\uDE00", Integer.MAX_VALUE, Long.MAX_VALUE, new FilePosition("\uD800", -1L),
                        new VmConfig(-1, false, true, false), "a\uDC00\uD800b"),
                new MtrrEvent("ü中文", -1, -64L, new FilePosition("x".repeat(10_000), Long.MIN_VALUE),
                        new DmaOp(DmaOpKind.TRANSFER, "é".repeat(200), Long.MIN_VALUE, Long.MAX_VALUE,
                                DmaDirection.BIDIRECTIONAL), DIGEST),
                new MtrrEvent("vm-1", 64, -65L, null, new VcpuLifecycle(LifecycleOp.RESET, Long.MIN_VALUE), null),
                new MtrrEvent("vm-1", null, null, null, new DmaOp(DmaOpKind.NONCOHERENT_REGISTER, null, null, null,
                        null), null));
        for (MtrrEvent e : events) {
            assertArrayEquals(specificWriter(e), codec.encode(e), e.toString());
        }
    }

    @Test
    void shouldGrowItsBufferForALongEventAndStillEncodeShortOnes() throws IOException {
        MtrrEvent big = new MtrrEvent("v".repeat(100_000), 0, 0L, new FilePosition("f".repeat(100_000), 1L),
                new Cr0Write(1L), DIGEST);
        MtrrEvent small = new MtrrEvent("vm-1", 0, 0L, null, new Cr0Write(1L), null);
        assertArrayEquals(specificWriter(big), codec.encode(big));
        assertArrayEquals(specificWriter(small), codec.encode(small));
    }

    @Test
    void shouldLeaveANullVmToAvroAndFailAsItDoes() {
        assertFailsAsAvro(new MtrrEvent(null, 0, 0L, null, new Cr0Write(1L), null));
    }

    @Test
    void shouldLeaveANullPayloadToAvroAndFailAsItDoes() {
        assertFailsAsAvro(new MtrrEvent("vm-1", 0, 5L, new FilePosition("f", 1L), null, null));
    }

    @Test
    void shouldLeaveAnUnknownPayloadOrSourceClassToAvroAndFailAsItDoes() {
        assertFailsAsAvro(new MtrrEvent("vm-1", 0, 5L, null, "not a payload", null));
        assertFailsAsAvro(new MtrrEvent("vm-1", 0, 5L, new Cr0Write(1L), new Cr0Write(1L), null));
    }

    @Test
    void shouldLeaveNullsInNestedNonNullableFieldsToAvroAndFailAsItDoes() {
        assertFailsAsAvro(new MtrrEvent("vm-1", 0, 5L, new FilePosition(null, 1L), new Cr0Write(1L), null));
        assertFailsAsAvro(new MtrrEvent("vm-1", 0, 5L, null, new VcpuLifecycle(null, null), null));
        assertFailsAsAvro(new MtrrEvent("vm-1", 0, 5L, null, new DmaOp(null, null, null, null, null), null));
    }

    @Test
    void shouldLeaveANullEventToAvroAndFailAsItDoes() {
        assertFailsAsAvro(null);
    }

    /**
     * The hand-written encoder refuses the event; the codec throws what a SpecificDatumWriter throws, with the same
     * message; and the failure leaves nothing behind, the next event encodes correctly.
     */
    private void assertFailsAsAvro(MtrrEvent bad) {
        assertNull(new CurrentSchemaEncoder(header).encode(bad));
        Exception expected = assertThrows(Exception.class, () -> specificWriter(bad));
        Exception actual = assertThrows(Exception.class, () -> codec.encode(bad));
        assertEquals(expected.getClass(), actual.getClass());
        assertEquals(expected.getMessage(), actual.getMessage());
        MtrrEvent good = new MtrrEvent("vm-1", 0, 5L, new FilePosition("f", 1L), new Cr0Write(1L), DIGEST);
        assertArrayEquals(specificWriterOrFail(good), codec.encode(good));
    }
}
