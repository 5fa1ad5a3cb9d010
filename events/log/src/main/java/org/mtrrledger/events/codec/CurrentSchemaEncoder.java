package org.mtrrledger.events.codec;

import java.util.Arrays;
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
 * Writes the single-object encoding of an {@link MtrrEvent} with the compiled schema straight from the generated
 * getters into one growable byte array, the mirror of {@link CurrentSchemaDecoder}; {@link EventCodec} uses it only
 * while that schema is release {@value EventCodec#HAND_WRITTEN_VERSION}. {@code SpecificDatumWriter} walks the
 * schema, fetches every field boxed through {@code get(int)}, resolves each of the five or six unions by the value's
 * schema, and encodes every string to a fresh byte array; {@code mtrr ingest} encodes every event it publishes, so
 * this one path is written out by hand.
 *
 * <p>It must write byte for byte what {@code SpecificDatumWriter} writes (the property tests compare the two). It
 * handles only what that writer writes without failing and a generated class can hold: where an event has a null in
 * a field that is not nullable, or a union value of a class other than the generated ones, {@link #encode} answers
 * null and {@link EventCodec} hands the event to the Avro writer, which fails on it.
 *
 * <p>Strings repeat from event to event: an ingest publishes long runs of events of one VM, one source file and
 * one SHA-256 {@code ingest} digest. Each string field keeps its last few values with their UTF-8 bytes
 * ({@link RecentStrings}), so a repeat costs a String comparison instead of an encode and an allocation.
 *
 * <p>Not thread-safe: the buffer and the string caches belong to one encode at a time; {@link EventCodec}, itself
 * one per thread, owns one.
 */
final class CurrentSchemaEncoder {

    private static final int INITIAL = 256;

    private final RecentStrings vms = new RecentStrings();
    private final RecentStrings ingests = new RecentStrings();
    private final RecentStrings files = new RecentStrings();
    private final RecentStrings devices = new RecentStrings();

    /** The header at 0 (written once), the body after it. */
    private byte[] buf = new byte[INITIAL];
    private int pos;

    /** @param header the {@link EventCodec#HEADER} bytes every payload starts with */
    CurrentSchemaEncoder(byte[] header) {
        if (header.length != EventCodec.HEADER) {
            throw new IllegalArgumentException("header of " + header.length + " bytes");
        }
        System.arraycopy(header, 0, buf, 0, header.length);
    }

    /**
     * The header, then the event's binary body; or null if the event holds something the Avro writer must be left
     * to refuse: a null event, vm, payload, enum or FilePosition file, or a union value of another class (a
     * subclass of a generated class included, though Avro might take it).
     *
     * <p>Fields are written in their schema order (spec, "Binary Encoding", records: "encoding the values of its
     * fields in the order that they are declared").
     */
    byte[] encode(MtrrEvent e) {
        if (e == null || e.getClass() != MtrrEvent.class) {
            return null;
        }
        pos = EventCodec.HEADER;
        String vm = e.getVm();
        if (vm == null) {
            return null;
        }
        string(vm, vms);
        nullableInt(e.getVcpu());
        nullableLong(e.getTimestampNs());
        if (!source(e.getSource()) || !payload(e.getPayload())) {
            return null;
        }
        nullableString(e.getIngest(), ingests);
        return Arrays.copyOf(buf, pos);
    }

    /** {@code ["null", "FilePosition", "GeneratorPosition"]}. */
    private boolean source(Object source) {
        if (source == null) {
            branch(0);
            return true;
        }
        Class<?> type = source.getClass();
        if (type == FilePosition.class) {
            FilePosition p = (FilePosition) source;
            String file = p.getFile();
            if (file == null) {
                return false;
            }
            branch(1);
            string(file, files);
            writeLong(p.getLine());
            return true;
        }
        if (type == GeneratorPosition.class) {
            GeneratorPosition p = (GeneratorPosition) source;
            branch(2);
            writeLong(p.getSeed());
            writeLong(p.getIndex());
            return true;
        }
        return false;
    }

    /** {@code ["VmConfig", "VcpuLifecycle", "MsrWrite", "Cr0Write", "DmaOp"]}. */
    private boolean payload(Object payload) {
        if (payload == null) {
            return false;
        }
        Class<?> type = payload.getClass();
        if (type == MsrWrite.class) {
            MsrWrite w = (MsrWrite) payload;
            branch(2);
            writeLong(w.getMsr());
            writeLong(w.getValue());
            writeBoolean(w.getHostInitiated());
            writeBoolean(w.getFaulted());
            return true;
        }
        if (type == Cr0Write.class) {
            branch(3);
            writeLong(((Cr0Write) payload).getValue());
            return true;
        }
        if (type == VcpuLifecycle.class) {
            VcpuLifecycle l = (VcpuLifecycle) payload;
            LifecycleOp op = l.getOp();
            if (op == null) {
                return false;
            }
            branch(1);
            writeInt(op.ordinal());
            nullableLong(l.getInitialCr0());
            return true;
        }
        if (type == VmConfig.class) {
            VmConfig c = (VmConfig) payload;
            branch(0);
            writeInt(c.getMaxPhysAddr());
            writeBoolean(c.getGuestHasMtrr());
            writeBoolean(c.getTdpEnabled());
            writeBoolean(c.getQuirkCdNwCleared());
            return true;
        }
        if (type == DmaOp.class) {
            DmaOp d = (DmaOp) payload;
            DmaOpKind op = d.getOp();
            if (op == null) {
                return false;
            }
            branch(4);
            writeInt(op.ordinal());
            nullableString(d.getDevice(), devices);
            nullableLong(d.getGpa());
            nullableLong(d.getLength());
            DmaDirection direction = d.getDirection();
            if (direction == null) {
                branch(0);
            } else {
                branch(1);
                writeInt(direction.ordinal());
            }
            return true;
        }
        return false;
    }

    /** {@code ["null", "int"]}. */
    private void nullableInt(Integer value) {
        if (value == null) {
            branch(0);
        } else {
            branch(1);
            writeInt(value);
        }
    }

    /** {@code ["null", "long"]}. */
    private void nullableLong(Long value) {
        if (value == null) {
            branch(0);
        } else {
            branch(1);
            writeLong(value);
        }
    }

    /** {@code ["null", "string"]}. */
    private void nullableString(String value, RecentStrings recent) {
        if (value == null) {
            branch(0);
        } else {
            branch(1);
            string(value, recent);
        }
    }

    /**
     * Spec, "Binary Encoding", unions: "first writing an int value indicating the zero-based position within the
     * union of the schema of its value"; positions here are below 64, one byte.
     */
    private void branch(int index) {
        ensure(1);
        buf[pos++] = (byte) (index << 1);
    }

    /** Spec, "Binary Encoding", boolean: "a single byte whose value is either 0 (false) or 1 (true)". */
    private void writeBoolean(boolean b) {
        ensure(1);
        buf[pos++] = b ? (byte) 1 : (byte) 0;
    }

    /**
     * Spec, "Binary Encoding", string: "a long followed by that many bytes of UTF-8 encoded character data". The
     * bytes are {@code String.getBytes(UTF_8)}'s, as in {@code BinaryEncoder.writeString}: an unpaired surrogate
     * becomes '?'.
     */
    private void string(String s, RecentStrings recent) {
        byte[] bytes = recent.bytesOf(s);
        ensure(5 + bytes.length);
        writeInt(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    /**
     * Spec, "Binary Encoding", int and long: "variable-length zig-zag coding", 7 bits a byte, low group first, the
     * high bit set on every byte but the last.
     */
    private void writeInt(int n) {
        ensure(5);
        int v = (n << 1) ^ (n >> 31);
        while ((v & ~0x7f) != 0) {
            buf[pos++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /** As {@link #writeInt}, at most 10 bytes. */
    private void writeLong(long n) {
        ensure(10);
        long v = (n << 1) ^ (n >> 63);
        while ((v & ~0x7fL) != 0) {
            buf[pos++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    private void ensure(int bytes) {
        if (buf.length - pos < bytes) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, pos + bytes));
        }
    }
}
