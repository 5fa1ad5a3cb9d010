package org.mtrrledger.engine.store;

import java.util.Objects;
import org.mtrrledger.events.codec.BigEndian;

/**
 * The few value encodings the store itself defines (offsets and the format version in META).
 * Big-endian like the keys, so a value can be reused as a key component without conversion.
 */
final class Values {

    private Values() {}

    /** 8 bytes big-endian. */
    public static byte[] ofLong(long v) {
        byte[] b = new byte[Long.BYTES];
        BigEndian.putLong(b, 0, v);
        return b;
    }

    /**
     * Inverse of {@link #ofLong}.
     *
     * @throws IllegalArgumentException if the value is not exactly 8 bytes
     */
    public static long asLong(byte[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length != Long.BYTES) {
            throw new IllegalArgumentException("expected an 8-byte big-endian long, got " + value.length + " bytes");
        }
        return BigEndian.getLong(value, 0);
    }
}
