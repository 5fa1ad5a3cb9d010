package org.mtrrledger.engine.consume;

import java.nio.ByteBuffer;
import org.mtrrledger.engine.fold.Outcome;

/**
 * The value of the event index ({@code EVENTS}, keyed by partition and offset): the record as it came from the log
 * (Avro single-object bytes, kept verbatim so audit shows exactly what was published) and the fold's outcome.
 * Layout: VM id length (2) | VM id (UTF-8) | payload length (4) | payload | outcome.
 */
public record FoldedEvent(String vm, byte[] payload, Outcome outcome) {
    public byte[] encode() {
        byte[] v = vm.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] o = outcome.encode();
        return ByteBuffer.allocate(6 + v.length + payload.length + o.length).putShort((short) v.length).put(v)
                .putInt(payload.length).put(payload).put(o).array();
    }

    public static FoldedEvent decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] v = new byte[b.getShort() & 0xFFFF];
        b.get(v);
        byte[] p = new byte[b.getInt()];
        b.get(p);
        byte[] o = new byte[b.remaining()];
        b.get(o);
        return new FoldedEvent(new String(v, java.nio.charset.StandardCharsets.UTF_8), p, Outcome.decode(o));
    }
}
