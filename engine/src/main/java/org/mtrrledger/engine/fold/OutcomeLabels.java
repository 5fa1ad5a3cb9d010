package org.mtrrledger.engine.fold;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link Outcome} stores its strings. Store format 2 wrote every string with {@link java.io.DataOutput#writeUTF}
 * (a big-endian two-byte length, then modified UTF-8); most of them are a handful of change labels, so the labels
 * the fold emits are now written as a two-byte code in the same slot:
 *
 * <pre>
 *   0xFF nn   "msr 0x2nn"            (the MTRR/PAT MSR block 0x200-0x2FF: {@code Fold.changeLabel})
 *   0xFE nn   {@link #NAMED}[nn]      (append-only: a stored code must keep its meaning)
 *   hi lo ... writeUTF, length hi:lo &lt;= {@link #MAX_UTF_BYTES}
 * </pre>
 *
 * A writeUTF length never starts with 0xFE or 0xFF because longer strings are cut to {@link #MAX_UTF_BYTES}
 * (an outcome's reason or note of 65,000 bytes is not something the fold produces), so values written by the
 * previous encoder decode unchanged and the store format stays 2.
 */
final class OutcomeLabels {
    private static final int MSR_BLOCK = 0xFF;
    private static final int NAMED_CODE = 0xFE;
    /** Longest modified-UTF-8 string written as text: its length's high byte stays below {@link #NAMED_CODE}. */
    static final int MAX_UTF_BYTES = (NAMED_CODE << 8) - 1;
    /** Append-only. */
    private static final List<String> NAMED = List.of("cr0", "online", "noncoherent_dma_count", "maxphyaddr",
            "guest_has_mtrr", "tdp_enabled", "quirk_cd_nw_cleared");
    private static final Map<String, Integer> NAMED_CODES = codes(NAMED);
    private static final String MSR_PREFIX = "msr 0x2";
    private static final String[] MSR_LABELS = new String[0x100];

    static {
        for (int i = 0; i < MSR_LABELS.length; i++) {
            MSR_LABELS[i] = "msr 0x" + Integer.toHexString(0x200 + i);
        }
    }

    private OutcomeLabels() {}

    /** The two-byte code of {@code s}, or -1 when it is written as text. */
    static int code(String s) {
        if (s.length() == 9 && s.startsWith(MSR_PREFIX)) {
            int lo = hexByte(s.charAt(7), s.charAt(8));
            // Only the canonical spelling ("msr 0x2ff", lower case) round-trips to the same string.
            if (lo >= 0 && MSR_LABELS[lo].equals(s)) {
                return MSR_BLOCK << 8 | lo;
            }
            return -1;
        }
        Integer named = NAMED_CODES.get(s);
        return named == null ? -1 : NAMED_CODE << 8 | named;
    }

    /** Bytes {@link #write} takes for {@code s}. */
    static int size(String s) {
        return code(s) >= 0 ? 2 : 2 + utfLength(s);
    }

    /** Writes {@code s} at {@code at}; returns the position after it. */
    static int write(String s, byte[] out, int at) {
        int code = code(s);
        if (code >= 0) {
            out[at] = (byte) (code >>> 8);
            out[at + 1] = (byte) code;
            return at + 2;
        }
        int n = utfLength(s);
        out[at] = (byte) (n >>> 8);
        out[at + 1] = (byte) n;
        int p = at + 2;
        int end = p + n;
        for (int i = 0; p < end; i++) {
            char c = s.charAt(i);
            if (c != 0 && c < 0x80) {
                out[p++] = (byte) c;
            } else if (c < 0x800) { // modified UTF-8 writes NUL as two bytes (DataOutput.writeUTF)
                out[p++] = (byte) (0xC0 | c >> 6);
                out[p++] = (byte) (0x80 | c & 0x3F);
            } else {
                out[p++] = (byte) (0xE0 | c >> 12);
                out[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return end;
    }

    /** Reads what {@link #write} (or the format-2 writeUTF) wrote. */
    static String read(DataInputStream in) throws IOException {
        in.mark(2);
        int hi = in.readUnsignedByte();
        if (hi == MSR_BLOCK) {
            return MSR_LABELS[in.readUnsignedByte()];
        }
        if (hi == NAMED_CODE) {
            int i = in.readUnsignedByte();
            if (i >= NAMED.size()) {
                throw new IOException("unknown outcome label code 0xFE" + String.format("%02X", i));
            }
            return NAMED.get(i);
        }
        in.reset();
        return in.readUTF();
    }

    /**
     * Modified-UTF-8 length of {@code s}, or of its longest prefix (whole characters) that fits
     * {@link #MAX_UTF_BYTES}.
     */
    private static int utfLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int w = c != 0 && c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            if (n + w > MAX_UTF_BYTES) {
                break;
            }
            n += w;
        }
        return n;
    }

    private static Map<String, Integer> codes(List<String> named) {
        Map<String, Integer> codes = new HashMap<>();
        for (int i = 0; i < named.size(); i++) {
            codes.put(named.get(i), i);
        }
        return Map.copyOf(codes);
    }

    private static int hexByte(char hi, char lo) {
        int h = Character.digit(hi, 16);
        int l = Character.digit(lo, 16);
        return h < 0 || l < 0 ? -1 : h << 4 | l;
    }
}
