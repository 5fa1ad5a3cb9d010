package org.mtrrledger.events.codec;

import java.io.EOFException;
import java.io.IOException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.InvalidNumberEncodingException;
import org.apache.avro.SystemLimitException;
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
 * Reads the binary body of an {@link MtrrEvent} written with the compiled schema straight into the generated
 * classes; {@link EventCodec} uses it only while that schema is release {@value EventCodec#HAND_WRITTEN_VERSION}.
 * {@code SpecificDatumReader} walks a resolver built from the schema, boxes every field through
 * {@code put(int, Object)} and decodes each string twice (bytes to a {@code Utf8}, then to the {@code String} the
 * classes hold, as they are generated with stringType String); the engine decodes every record it folds, so this
 * one path is written out by hand.
 *
 * <p>It must give what {@code SpecificDatumReader} gives for the same bytes: equal objects with the same field types
 * (the property tests compare the two), and a failure wherever that reader fails. Where Avro's {@code BinaryDecoder}
 * tolerates something the specification does not define, this does the same: a boolean is true only for byte 1,
 * bits of a varint beyond 32 or 64 are dropped, and bytes after the record are ignored. Errors are {@link EOFException} for a body that ends early, {@link InvalidNumberEncodingException} for a
 * varint longer than 5 or 10 bytes, and {@link AvroRuntimeException} for a negative or oversized string length, a
 * union branch or an enum ordinal out of range.
 *
 * <p>Strings repeat from record to record: the engine sees long runs of events of one VM, one ingested file (one
 * SHA-256 {@code ingest} digest) and one source file. Each string field keeps its last few values with their UTF-8
 * bytes ({@link RecentStrings}), so a repeat costs a byte comparison and hands out the same (immutable) String.
 *
 * <p>Not thread-safe: the read position and the string caches belong to one decode at a time; {@link EventCodec},
 * itself one per thread, owns one.
 */
final class CurrentSchemaDecoder {

    // values() clones its array on every call.
    private static final LifecycleOp[] LIFECYCLE_OPS = LifecycleOp.values();
    private static final DmaOpKind[] DMA_OP_KINDS = DmaOpKind.values();
    private static final DmaDirection[] DMA_DIRECTIONS = DmaDirection.values();

    private final RecentStrings vms = new RecentStrings();
    private final RecentStrings ingests = new RecentStrings();
    private final RecentStrings files = new RecentStrings();
    private final RecentStrings devices = new RecentStrings();

    private byte[] buf;
    private int pos;
    private int limit;

    /**
     * The event whose binary body starts at {@code offset} and runs at most to the end of {@code payload}.
     *
     * <p>Java evaluates arguments left to right (JLS 15.7.4), so a constructor call whose arguments are reads
     * reads the fields in their order on the wire, which is their order in the schema (spec, "Binary Encoding",
     * records: "encoding the values of its fields in the order that they are declared").
     */
    MtrrEvent decode(byte[] payload, int offset) throws IOException {
        buf = payload;
        pos = offset;
        limit = payload.length;
        try {
            return new MtrrEvent(string(vms), nullableInt("MtrrEvent.vcpu"), nullableLong("MtrrEvent.timestampNs"),
                    source(), payload(), nullableString("MtrrEvent.ingest", ingests));
        } finally {
            buf = null; // a decoder kept between records must not keep the last record alive
        }
    }

    /** {@code ["null", "FilePosition", "GeneratorPosition"]}. */
    private Object source() throws IOException {
        switch (branch("MtrrEvent.source", 3)) {
            case 0:
                return null;
            case 1: {
                // The records with primitive fields are filled through their primitive setters: the all-args
                // constructors take boxed values.
                FilePosition p = new FilePosition();
                p.setFile(string(files));
                p.setLine(readLong());
                return p;
            }
            default: {
                GeneratorPosition p = new GeneratorPosition();
                p.setSeed(readLong());
                p.setIndex(readLong());
                return p;
            }
        }
    }

    /** {@code ["VmConfig", "VcpuLifecycle", "MsrWrite", "Cr0Write", "DmaOp"]}. */
    private Object payload() throws IOException {
        switch (branch("MtrrEvent.payload", 5)) {
            case 0: {
                VmConfig c = new VmConfig();
                c.setMaxPhysAddr(readInt());
                c.setGuestHasMtrr(readBoolean());
                c.setTdpEnabled(readBoolean());
                c.setQuirkCdNwCleared(readBoolean());
                return c;
            }
            case 1:
                return new VcpuLifecycle(LIFECYCLE_OPS[ordinal("VcpuLifecycle.op", LIFECYCLE_OPS.length)],
                        nullableLong("VcpuLifecycle.initialCr0"));
            case 2: {
                MsrWrite w = new MsrWrite();
                w.setMsr(readLong());
                w.setValue(readLong());
                w.setHostInitiated(readBoolean());
                w.setFaulted(readBoolean());
                return w;
            }
            case 3: {
                Cr0Write w = new Cr0Write();
                w.setValue(readLong());
                return w;
            }
            default:
                return new DmaOp(DMA_OP_KINDS[ordinal("DmaOp.op", DMA_OP_KINDS.length)],
                        nullableString("DmaOp.device", devices), nullableLong("DmaOp.gpa"),
                        nullableLong("DmaOp.length"), direction());
        }
    }

    /** {@code ["null", "DmaDirection"]}. */
    private DmaDirection direction() throws IOException {
        return branch("DmaOp.direction", 2) == 0 ? null
                : DMA_DIRECTIONS[ordinal("DmaOp.direction", DMA_DIRECTIONS.length)];
    }

    /** {@code ["null", "int"]}. */
    private Integer nullableInt(String field) throws IOException {
        return branch(field, 2) == 0 ? null : Integer.valueOf(readInt());
    }

    /** {@code ["null", "long"]}. */
    private Long nullableLong(String field) throws IOException {
        return branch(field, 2) == 0 ? null : Long.valueOf(readLong());
    }

    /** {@code ["null", "string"]}. */
    private String nullableString(String field, RecentStrings recent) throws IOException {
        return branch(field, 2) == 0 ? null : string(recent);
    }

    /**
     * Spec, "Binary Encoding", unions: "first writing an int value indicating the zero-based position within the
     * union of the schema of its value. The value is then encoded per the schema indicated by that position".
     */
    private int branch(String field, int branches) throws IOException {
        int i = readInt();
        if (i < 0 || i >= branches) {
            throw new AvroRuntimeException("Malformed data. " + field + " union branch " + i + " of " + branches);
        }
        return i;
    }

    /** Spec, "Binary Encoding", enums: "a int, representing the zero-based position of the symbol in the schema". */
    private int ordinal(String field, int symbols) throws IOException {
        int i = readInt();
        if (i < 0 || i >= symbols) {
            throw new AvroRuntimeException("Malformed data. " + field + " enum ordinal " + i + " of " + symbols);
        }
        return i;
    }

    /**
     * Spec, "Binary Encoding", string: "a long followed by that many bytes of UTF-8 encoded character data". The
     * length goes through Avro's own limit check (negative, or above {@code org.apache.avro.limits.string.maxLength})
     * so the two readers refuse the same lengths; malformed UTF-8 becomes U+FFFD, as in {@code Utf8.toString}.
     */
    private String string(RecentStrings recent) throws IOException {
        int length = SystemLimitException.checkMaxStringLength(readLong());
        if (length > limit - pos) {
            throw new EOFException("string of " + length + " bytes, " + (limit - pos) + " left");
        }
        int from = pos;
        pos += length;
        return recent.stringOf(buf, from, length);
    }

    /** Spec, "Binary Encoding", boolean: "a single byte whose value is either 0 (false) or 1 (true)". */
    private boolean readBoolean() throws IOException {
        if (pos >= limit) {
            throw new EOFException();
        }
        // BinaryDecoder reads any byte other than 1 as false; so must this.
        return buf[pos++] == 1;
    }

    /**
     * Spec, "Binary Encoding", int and long: "variable-length zig-zag coding", 7 bits a byte, low group first, the
     * high bit set on every byte but the last. An int takes at most 5 bytes; the bits of the 5th beyond 32 are
     * dropped, as BinaryDecoder drops them.
     */
    private int readInt() throws IOException {
        int raw = 0;
        for (int shift = 0; ; shift += 7) {
            if (pos >= limit) {
                throw new EOFException();
            }
            byte b = buf[pos++];
            raw |= (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
            if (shift == 28) {
                throw new InvalidNumberEncodingException("Invalid int encoding");
            }
        }
    }

    /** As {@link #readInt()}: at most 10 bytes, bits beyond 64 dropped. */
    private long readLong() throws IOException {
        if (pos < limit && buf[pos] >= 0) {
            // One byte: -64..63, most event fields (booleans aside) that are not addresses or MSR values.
            int raw = buf[pos++];
            return (raw >>> 1) ^ -(raw & 1);
        }
        long raw = 0;
        for (int shift = 0; ; shift += 7) {
            if (pos >= limit) {
                throw new EOFException();
            }
            byte b = buf[pos++];
            raw |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
            if (shift == 63) {
                throw new InvalidNumberEncodingException("Invalid long encoding");
            }
        }
    }
}
