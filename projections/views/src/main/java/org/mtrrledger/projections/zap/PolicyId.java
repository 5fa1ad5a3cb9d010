package org.mtrrledger.projections.zap;

/** Stable policy names (domain doc 9.3) and the one-byte ids used in store keys. Never renumber. */
public enum PolicyId {
    V6_4(0, "v6.4", "P0: upstream v6.3-v6.6"),
    V6_7(1, "v6.7", "P1: v6.7-v6.10 (Yan Zhao v4 1-5, 7 merged)"),
    YAN_V2_VCPU0(2, "yan-v2-vcpu0", "P2: Yan Zhao v2, per-VM MTRRs = vCPU0's"),
    YAN_V4_CD_TOGGLE(3, "yan-v4-cd-toggle", "P3: Yan Zhao v4 patch 6, zap on CD toggle"),
    YAN_V4_FINE(4, "yan-v4-fine", "P4: Yan Zhao v4 patches 6+9+10, fine-grained zap list"),
    SEAN_CD_NONWB(5, "sean-cd-nonwb", "P5: Sean Christopherson's May-2023 sketch, non-WB at CD 1->0"),
    V6_11(6, "v6.11", "P6: v6.11+, MTRRs not virtualized"),
    PER_VM_DIRTY(7, "per-vm-dirty", "P7: per-VM copy with a dirty-range tracker");

    public final int code;
    public final String label;
    public final String description;

    PolicyId(int code, String label, String description) {
        this.code = code;
        this.label = label;
        this.description = description;
    }

    public static PolicyId named(String s) {
        for (PolicyId p : values()) {
            if (p.label.equalsIgnoreCase(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown policy '" + s + "' (" + labels() + ")");
    }

    public static PolicyId ofCode(int code) {
        for (PolicyId p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown policy id " + code);
    }

    public static String labels() {
        StringBuilder b = new StringBuilder();
        for (PolicyId p : values()) {
            b.append(b.length() == 0 ? "" : "|").append(p.label);
        }
        return b.toString();
    }
}
