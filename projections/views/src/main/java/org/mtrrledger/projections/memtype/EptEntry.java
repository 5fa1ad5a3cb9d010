package org.mtrrledger.projections.memtype;

import org.mtrrledger.events.model.MemType;

/** An EPT leaf's memory type (bits 5:3) and IPAT (bit 6), packed into an int as {@code type << 1 | ipat}. */
public final class EptEntry {
    private EptEntry() {
    }

    public static int pack(int memtype, boolean ipat) {
        return (memtype << 1) | (ipat ? 1 : 0);
    }

    public static int memtype(int packed) {
        return packed >> 1;
    }

    public static boolean ipat(int packed) {
        return (packed & 1) != 0;
    }

    public static String label(int packed) {
        return MemType.label(memtype(packed)) + (ipat(packed) ? "|IPAT" : "");
    }
}
