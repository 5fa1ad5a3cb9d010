package org.mtrrledger.projections.hazard;

/** Domain doc 9.2: the two hazard kinds, plus online vCPUs whose MTRRs disagree at a DMA check point. */
public enum HazardKind {
    /** A possible EPT entry has another memory type than the guest's MTRRs demand. */
    MEMTYPE,
    /** Same memory type, but installed with IPAT=1: the guest's PAT is ignored. */
    IPAT,
    /** At a DMA transfer, online vCPUs' MTRRs give different types for the range. */
    MTRR_DISAGREEMENT;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
