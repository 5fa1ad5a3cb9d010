package org.mtrrledger.events.model;

/**
 * Unsigned hexadecimal conversions in the kernel's TP_printk style ({@code 0x%llx}: lower case, no padding), the one
 * spelling of a 64-bit value everywhere: trace lines, JSON Lines, JSON views, CLI options, messages. Values are
 * unsigned 64-bit, stored in {@code long}; {@code 0xffffffffffffffff} is {@code -1L}.
 */
public final class Hex {
    private Hex() {
    }

    /** {@code 0x} + lower-case digits, as the kernel prints {@code 0x%llx}. */
    public static String of(long value) {
        return "0x" + Long.toHexString(value);
    }

    /**
     * Parses {@code digits} (no prefix) as an unsigned number of at most {@code maxBits} bits.
     *
     * @throws NumberFormatException with a human-readable message if empty, not hex, or too wide
     */
    public static long parseDigits(String digits, int maxBits) {
        return parseDigits(digits, 0, maxBits);
    }

    /**
     * {@link #parseDigits(String, int)} of {@code text.subSequence(from, text.length())}, without making that
     * substring unless the digits are bad: JSON Lines ingest parses two or three {@code "0x…"} values per line,
     * straight from the parser's buffer.
     */
    private static long parseDigits(CharSequence text, int from, int maxBits) {
        int end = text.length();
        if (from == end) {
            throw new NumberFormatException("no hex digits");
        }
        int start = from;
        while (start < end - 1 && text.charAt(start) == '0') {
            start++;
        }
        for (int i = start; i < end; i++) {
            if (!isHexDigit(text.charAt(i))) {
                throw new NumberFormatException("'" + text.subSequence(from, end) + "' is not hexadecimal");
            }
        }
        if (end - start > 16) {
            throw new NumberFormatException(text.subSequence(from, end) + " does not fit in 64 bits");
        }
        long value = Long.parseUnsignedLong(text, start, end, 16);
        if (maxBits < 64 && Long.compareUnsigned(value, (1L << maxBits) - 1) > 0) {
            throw new NumberFormatException(Hex.of(value) + " does not fit in " + maxBits + " bits");
        }
        return value;
    }

    /** ASCII only: {@link Character#digit} would also accept e.g. Arabic-Indic or full-width digits. */
    public static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Parses {@code 0x}/{@code 0X}-prefixed hex (case-insensitive digits). */
    public static long parsePrefixed(CharSequence text, int maxBits) {
        if (text.length() < 3 || text.charAt(0) != '0' || (text.charAt(1) != 'x' && text.charAt(1) != 'X')) {
            throw new NumberFormatException("'" + text + "' is not 0x-prefixed hex");
        }
        return parseDigits(text, 2, maxBits);
    }

    /**
     * A number as a user types it: {@code 0x}-prefixed unsigned hex or signed decimal, {@code _} separators allowed.
     *
     * @throws NumberFormatException if it is neither
     */
    public static long parse(String s) {
        String t = s.trim().replace("_", "");
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return Long.parseUnsignedLong(t.substring(2), 16);
        }
        return Long.parseLong(t);
    }
}
