package org.mtrrledger.engine.store;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One key/value pair read from a column family. The arrays are fresh copies owned by the caller.
 *
 * <p>{@code equals}, {@code hashCode} and {@code toString} compare and print the array contents
 * (a record over arrays would otherwise compare identities).
 */
record Entry(byte[] key, byte[] value) {

    public Entry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && Arrays.equals(key, e.key) && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "Entry[key=" + hex.formatHex(key) + ", value=" + hex.formatHex(value) + "]";
    }
}
