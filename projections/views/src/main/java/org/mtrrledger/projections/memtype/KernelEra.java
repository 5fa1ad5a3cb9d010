package org.mtrrledger.projections.memtype;

import org.mtrrledger.events.model.MemType;

/**
 * {@code vmx_get_mt_mask()} as it was in three kernel eras (host MMIO is not in the event log; all GFNs are RAM):
 * <ul>
 * <li>{@code v6.4} (v6.3-v6.6): no non-coherent DMA: WB|IPAT; CR0.CD=1: WB|IPAT with CD_NW_CLEARED, else UC|IPAT;
 * otherwise the guest MTRR type, IPAT=0.</li>
 * <li>{@code v6.7} (v6.7-v6.10): as v6.4 but CR0.CD=1 with the quirk gives WB without IPAT (Yan Zhao's
 * "drop IPAT in memtype when CD=1 for KVM_X86_QUIRK_CD_NW_CLEARED").</li>
 * <li>{@code v6.11}: no non-coherent DMA: WB|IPAT; otherwise WB, guest MTRRs and CR0.CD ignored.</li>
 * </ul>
 */
public enum KernelEra {
    V6_4("v6.4"), V6_7("v6.7"), V6_11("v6.11");

    public final String label;

    KernelEra(String label) {
        this.label = label;
    }

    public static KernelEra named(String s) {
        for (KernelEra e : values()) {
            if (e.label.equals(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown kernel '" + s + "' (v6.4|v6.7|v6.11)");
    }

    /** Whether the EPT type depends on the guest MTRRs under these conditions. */
    public boolean usesMtrr(boolean noncoherentDma, boolean cd) {
        return noncoherentDma && !cd && this != V6_11;
    }

    /**
     * The EPT leaf for one page, packed by {@link EptEntry#pack}.
     *
     * @param mtrrType the guest-MTRR type of the page (used only when {@link #usesMtrr})
     */
    public int ept(boolean noncoherentDma, boolean cd, boolean quirkCdNwCleared, int mtrrType) {
        if (!noncoherentDma) {
            return EptEntry.pack(MemType.WB.code, true);
        }
        if (this == V6_11) {
            return EptEntry.pack(MemType.WB.code, false);
        }
        if (cd) {
            if (quirkCdNwCleared) {
                return EptEntry.pack(MemType.WB.code, this == V6_4);
            }
            return EptEntry.pack(MemType.UC.code, true);
        }
        return EptEntry.pack(mtrrType, false);
    }
}
