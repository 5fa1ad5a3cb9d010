package org.mtrrledger.events.model;

/**
 * x86 memory types as encoded in MTRRs, PAT entries and EPT leaf bits 5:3 (SDM Vol. 3A "Memory Types That Can
 * Be Encoded in MTRRs"; PAT adds UC- = 7).
 */
public enum MemType {
    UC(0), WC(1), WT(4), WP(5), WB(6), UC_MINUS(7);

    private static final MemType[] BY_CODE = new MemType[8];

    static {
        for (MemType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    public final int code;

    MemType(int code) {
        this.code = code;
    }

    /** The type for an encoding, or null for 2, 3 and anything above 7 (reserved). */
    public static MemType ofCode(int code) {
        return code >= 0 && code < 8 ? BY_CODE[code] : null;
    }

    /** KVM's {@code valid_mtrr_type()}: {@code t < 8 && (1 << t) & 0x73}, i.e. UC, WC, WT, WP, WB. */
    public static boolean isValidMtrrType(long t) {
        return t >= 0 && t < 8 && ((1 << t) & 0x73) != 0;
    }

    /** The name users see: UC, WC, WT, WP, WB, UC-; an undefined encoding prints as its number. */
    public static String label(int code) {
        MemType t = ofCode(code);
        return t == null ? Integer.toString(code) : t.label();
    }

    public String label() {
        return this == UC_MINUS ? "UC-" : name();
    }

    public static MemType parse(String s) {
        String u = s.trim().toUpperCase(java.util.Locale.ROOT);
        if (u.equals("UC-")) {
            return UC_MINUS;
        }
        return MemType.valueOf(u);
    }
}
