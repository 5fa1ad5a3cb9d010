package org.mtrrledger.events.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The last few distinct values of one string field with their UTF-8 bytes, for {@link CurrentSchemaEncoder} (a
 * String to its bytes) and {@link CurrentSchemaDecoder} (bytes to the String): an ingest or a fold sees long runs of
 * one VM, one source file and one digest. Replaced oldest first; only values short enough to be names or digests
 * are kept. A hit hands out the same String (immutable; the generated classes compare with {@code equals}) or the
 * same byte array (never handed out to be changed). Not thread-safe, like its owners.
 */
final class RecentStrings {
    private static final int SLOTS = 4;
    private static final int MAX_BYTES = 256;
    private static final byte[] EMPTY = new byte[0];

    private final String[] values = new String[SLOTS];
    private final byte[][] bytes = new byte[SLOTS][];
    /** The slot that answered or was filled last: checked first, as runs of one value are the common case. */
    private int last;
    /** The slot the next new value replaces: the oldest filled, whatever hit since. */
    private int next;

    /** The UTF-8 bytes of {@code s}; {@code equals} answers at once for the same String. */
    byte[] bytesOf(String s) {
        if (s.isEmpty()) {
            return EMPTY;
        }
        for (int n = 0, i = last; n < SLOTS; n++, i = (i + 1) % SLOTS) {
            if (s.equals(values[i])) {
                last = i;
                return bytes[i];
            }
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        remember(s, b);
        return b;
    }

    /** The String of {@code length} UTF-8 bytes of {@code buf} at {@code from}. */
    String stringOf(byte[] buf, int from, int length) {
        if (length == 0) {
            return "";
        }
        int to = from + length;
        for (int n = 0, i = last; n < SLOTS; n++, i = (i + 1) % SLOTS) {
            byte[] b = bytes[i];
            if (b != null && b.length == length && Arrays.equals(b, 0, length, buf, from, to)) {
                last = i;
                return values[i];
            }
        }
        String s = new String(buf, from, length, StandardCharsets.UTF_8);
        if (length <= MAX_BYTES) {
            remember(s, Arrays.copyOfRange(buf, from, to));
        }
        return s;
    }

    private void remember(String s, byte[] b) {
        if (b.length <= MAX_BYTES) {
            values[next] = s;
            bytes[next] = b;
            last = next;
            next = (next + 1) % SLOTS;
        }
    }
}
