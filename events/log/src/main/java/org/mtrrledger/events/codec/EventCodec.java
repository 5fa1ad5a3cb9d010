package org.mtrrledger.events.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.Hex;

/**
 * Avro single-object encoding of {@link MtrrEvent}: {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint
 * of the writer schema's parsing canonical form, then the binary body (Avro spec, "Single-object encoding").
 * Confluent's registry is not available; the fingerprint plus {@link ReleasedSchemas} play its part.
 *
 * <p>Bodies of the compiled schema are written by {@link CurrentSchemaEncoder} and read by
 * {@link CurrentSchemaDecoder}, written out by hand for release {@value #HAND_WRITTEN_VERSION} of the schema because
 * ingest encodes and the engine decodes every event, and the pair is 3-6x faster than Avro's
 * {@link SpecificDatumWriter}/{@link SpecificDatumReader} (bench/README.md, JMH). They are kept honest against the
 * library: they are used only while the compiled schema's fingerprint, computed with {@link SchemaNormalization},
 * is that of the released {@code mtrr-event-v}{@value #HAND_WRITTEN_VERSION}{@code .avsc}, and property tests check
 * that they write byte for byte what {@code SpecificDatumWriter} writes and read what it wrote as
 * {@code SpecificDatumReader} does. An event the hand encoder does not take (a null where the schema has none, a
 * union value of a foreign class) goes to Avro's writer, which fails on it.
 *
 * <p>Decoding checks the 10-byte header by hand. Bodies of older released schemas go through one reused
 * {@link BinaryDecoder} and one resolving {@link SpecificDatumReader} per writer schema (faster than
 * {@code BinaryMessageDecoder} in a consumer loop).
 *
 * <p>Not thread-safe: the encoders' buffers, the reused decoder and the string caches of {@link CurrentSchemaEncoder}
 * and {@link CurrentSchemaDecoder} belong to one call at a time. Every user keeps its own codec, used by one
 * thread at a time: the engine's {@code LedgerWriter} (on its fold thread, one poll after another),
 * {@code TimeTravel} and {@code LedgerQueries} (one per API server thread, through a ThreadLocal) and
 * {@code EncodedEvents} (one per event iterator).
 */
public final class EventCodec {
    static {
        AvroTrust.install();
    }

    private static final byte MAGIC0 = (byte) 0xC3;
    private static final byte MAGIC1 = 0x01;
    public static final int HEADER = 10;
    /** The released schema version {@link CurrentSchemaEncoder} and {@link CurrentSchemaDecoder} are written for. */
    static final int HAND_WRITTEN_VERSION = 2;

    private final Schema current = MtrrEvent.getClassSchema();
    private final long currentFingerprint = SchemaNormalization.parsingFingerprint64(current);
    private final Map<Long, SpecificDatumReader<MtrrEvent>> readers = new HashMap<>();
    private final Map<Long, Integer> versions = new HashMap<>();
    private final SpecificDatumWriter<MtrrEvent> writer = new SpecificDatumWriter<>(current);
    /** Null unless the compiled schema is release {@link #HAND_WRITTEN_VERSION} (a test fails then). */
    private final CurrentSchemaDecoder currentDecoder;
    /** Null unless the compiled schema is release {@link #HAND_WRITTEN_VERSION} (a test fails then). */
    private final CurrentSchemaEncoder currentEncoder;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    /**
     * Buffered, and bound to {@link #buffer} once: a direct encoder hands the synchronized ByteArrayOutputStream one
     * byte at a time, and rebinding per record allocates a new sink. {@code flush()} ends each record.
     */
    private final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer, null);
    private BinaryDecoder decoder;

    public EventCodec() {
        for (ReleasedSchemas.Released r : ReleasedSchemas.all()) {
            readers.put(r.fingerprint(), new SpecificDatumReader<>(r.schema(), current));
            versions.put(r.fingerprint(), r.version());
        }
        if (!readers.containsKey(currentFingerprint)) {
            throw new IllegalStateException("the compiled MtrrEvent schema is not released: add mtrr-event-v"
                    + (versions.size() + 1) + ".avsc (fingerprint " + Hex.of(currentFingerprint) + ")");
        }
        readers.put(currentFingerprint, new SpecificDatumReader<>(current));
        boolean handWritten = handWrittenForCurrentSchema();
        currentDecoder = handWritten ? new CurrentSchemaDecoder() : null;
        currentEncoder = handWritten ? new CurrentSchemaEncoder(header()) : null;
    }

    /** Whether the compiled schema is the release the hand-written encoder and decoder are written for. */
    boolean handWrittenForCurrentSchema() {
        return versions.get(currentFingerprint) == HAND_WRITTEN_VERSION;
    }

    public long currentFingerprint() {
        return currentFingerprint;
    }

    public byte[] encode(MtrrEvent e) {
        if (currentEncoder != null) {
            byte[] payload = currentEncoder.encode(e);
            if (payload != null) {
                return payload;
            }
        }
        return encodeWithAvro(e);
    }

    /** Avro's encode: for every event while the schema is not the hand-written one, else for those it refuses. */
    byte[] encodeWithAvro(MtrrEvent e) {
        try {
            // A write that failed half way left bytes in the encoder: flush them into the buffer that is now reset.
            encoder.flush();
            buffer.reset();
            buffer.writeBytes(header());
            writer.write(e, encoder);
            encoder.flush();
            return buffer.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** {@code C3 01} and the compiled schema's fingerprint, little-endian. */
    private byte[] header() {
        byte[] h = new byte[HEADER];
        h[0] = MAGIC0;
        h[1] = MAGIC1;
        for (int i = 0; i < 8; i++) {
            h[2 + i] = (byte) (currentFingerprint >>> (8 * i));
        }
        return h;
    }

    /** The writer schema fingerprint of an encoded payload. */
    public static long fingerprint(byte[] payload) {
        if (payload == null || payload.length < HEADER || payload[0] != MAGIC0 || payload[1] != MAGIC1) {
            throw new UnknownSchemaException("not an Avro single-object encoded payload (bad or missing C3 01 header, "
                    + (payload == null ? "null" : payload.length + " bytes") + ")");
        }
        long fp = 0;
        for (int i = 7; i >= 0; i--) {
            fp = (fp << 8) | (payload[2 + i] & 0xFF);
        }
        return fp;
    }

    /**
     * Decodes a payload written with any released schema into the current one.
     *
     * @throws UnknownSchemaException for an unknown fingerprint or a payload that is not single-object encoded
     */
    public MtrrEvent decode(byte[] payload) {
        long fp = fingerprint(payload);
        if (fp == currentFingerprint && currentDecoder != null) {
            try {
                return currentDecoder.decode(payload, HEADER);
            } catch (IOException | RuntimeException ex) {
                throw corrupt(fp, ex);
            }
        }
        SpecificDatumReader<MtrrEvent> reader = readers.get(fp);
        if (reader == null) {
            throw new UnknownSchemaException("unknown writer schema fingerprint " + Hex.of(fp)
                    + " (known: " + versions.size() + " released versions); was it written by a newer mtrr-ledger?");
        }
        try {
            decoder = DecoderFactory.get().binaryDecoder(payload, HEADER, payload.length - HEADER, decoder);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException ex) {
            throw corrupt(fp, ex);
        }
    }

    private UnknownSchemaException corrupt(long fp, Exception ex) {
        return new UnknownSchemaException("corrupt Avro body (schema v" + versions.get(fp) + "): " + ex);
    }
}
