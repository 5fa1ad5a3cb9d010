package org.mtrrledger.engine.consume;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.mtrrledger.engine.store.ValueCodec;

/**
 * The value of the skipped-records table: a record the engine could not fold and skipped under
 * {@link PoisonPolicy#SKIP}, kept verbatim with the reason. Layout: key length (4, -1 for a null key) | key (UTF-8)
 * | value length (4, -1 for a null value) | value | reason (UTF-8, the rest).
 */
public record SkippedRecord(String key, byte[] value, String reason) {
    /** This record's encoding, for the {@link org.mtrrledger.engine.store.SkippedTable}. */
    public static final ValueCodec<SkippedRecord> CODEC = ValueCodec.of(SkippedRecord::encode, SkippedRecord::decode);

    public byte[] encode() {
        byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + (k == null ? 0 : k.length) + (value == null ? 0 : value.length)
                + r.length);
        b.putInt(k == null ? -1 : k.length);
        if (k != null) {
            b.put(k);
        }
        b.putInt(value == null ? -1 : value.length);
        if (value != null) {
            b.put(value);
        }
        return b.put(r).array();
    }

    public static SkippedRecord decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] k = take(b);
        byte[] v = take(b);
        byte[] r = new byte[b.remaining()];
        b.get(r);
        return new SkippedRecord(k == null ? null : new String(k, StandardCharsets.UTF_8), v,
                new String(r, StandardCharsets.UTF_8));
    }

    private static byte[] take(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0) {
            return null;
        }
        byte[] x = new byte[n];
        b.get(x);
        return x;
    }
}
