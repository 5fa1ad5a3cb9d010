package org.mtrrledger.projections.query;

/** 64-bit values as JSON hex strings ("0x..." lower case, unsigned), as the JSON examples show them. */
public final class Hex {
    private Hex() {
    }

    public static String of(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** Parses "0x..." (unsigned 64-bit) or a decimal number. */
    public static long parse(String s) {
        String t = s.trim().replace("_", "");
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return Long.parseUnsignedLong(t.substring(2), 16);
        }
        return Long.parseLong(t);
    }
}
