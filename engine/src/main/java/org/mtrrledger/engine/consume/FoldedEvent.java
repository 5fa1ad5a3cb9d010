package org.mtrrledger.engine.consume;

import java.nio.ByteBuffer;
import org.mtrrledger.engine.fold.Outcome;

/**
 * The value of the {@code EVENTS} column (keyed by VM and offset): the record's partition, the record value as it
 * came from the log (Avro single-object bytes, kept verbatim so audit shows exactly what was published) and the
 * fold's outcome. Layout: partition (4) | payload length (4) | payload | outcome. The VM id is in the key.
 */
public record FoldedEvent(int partition, byte[] payload, Outcome outcome) {
    public byte[] encode() {
        return encode(partition, payload, outcome);
    }

    /** Encodes without building the record, the outcome written in place (the engine's hot path). */
    static byte[] encode(int partition, byte[] payload, Outcome outcome) {
        byte[] out = new byte[8 + payload.length + outcome.encodedSize()];
        ByteBuffer.wrap(out).putInt(partition).putInt(payload.length).put(payload);
        outcome.encodeInto(out, 8 + payload.length);
        return out;
    }

    public static FoldedEvent decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int partition = b.getInt();
        byte[] p = new byte[b.getInt()];
        b.get(p);
        byte[] o = new byte[b.remaining()];
        b.get(o);
        return new FoldedEvent(partition, p, Outcome.decode(o));
    }

    /** The payload alone, for replay (skips decoding the outcome). */
    public static byte[] payloadOf(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes, 4, bytes.length - 4);
        byte[] p = new byte[b.getInt()];
        b.get(p);
        return p;
    }

    /** The partition alone. */
    public static int partitionOf(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getInt();
    }
}
