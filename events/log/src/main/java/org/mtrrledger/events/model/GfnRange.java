package org.mtrrledger.events.model;

/**
 * A half-open GFN range [start, end) as passed to {@code kvm_zap_gfn_range()}. Both bounds are unsigned 64-bit:
 * the CR0.CD path of v6.3-v6.10 passes the raw {@code ~0ULL} as the end GFN.
 */
public record GfnRange(long start, long end) {
    /** {@code [0, gpa_to_gfn(~0ULL))}: what a DEF_TYPE write or a non-coherent DMA start/stop zaps. */
    public static final GfnRange ALL52 = new GfnRange(0, 0xF_FFFF_FFFF_FFFFL);
    /** {@code [0, ~0ULL)}: the raw GFN range of the CR0.CD zap in {@code kvm_post_set_cr0()} (v6.3-v6.10). */
    public static final GfnRange ALL64 = new GfnRange(0, 0xFFFF_FFFF_FFFF_FFFFL);
    /** The whole fixed-MTRR area, [0, 1 MiB) in GFNs. */
    public static final GfnRange FIXED_AREA = new GfnRange(0, FixedMtrr.FIXED_END_GFN);

    /** From a GPA range, via {@code gpa_to_gfn()} on both ends. */
    public static GfnRange ofGpa(long startGpa, long endGpa) {
        return new GfnRange(startGpa >>> 12, endGpa >>> 12);
    }

    /** {@code kvm_zap_gfn_range()} WARNs and zaps nothing when {@code end <= start}. */
    public boolean degenerate() {
        return Long.compareUnsigned(end, start) <= 0;
    }

    /** Number of GFNs, 0 when degenerate. */
    public long size() {
        return degenerate() ? 0 : end - start;
    }

    public long length() {
        return end - start;
    }

    public boolean contains(long gfn) {
        return Long.compareUnsigned(gfn, start) >= 0 && Long.compareUnsigned(gfn, end) < 0;
    }

    public boolean overlaps(GfnRange o) {
        return !degenerate() && !o.degenerate()
                && Long.compareUnsigned(start, o.end) < 0 && Long.compareUnsigned(o.start, end) < 0;
    }

    /** This range clipped to [0, limit), or null if nothing remains. */
    public GfnRange clip(long limit) {
        if (degenerate() || Long.compareUnsigned(start, limit) >= 0) {
            return null;
        }
        long e = Long.compareUnsigned(end, limit) > 0 ? limit : end;
        return new GfnRange(start, e);
    }

    @Override
    public String toString() {
        return "[" + Hex.of(start) + ", " + Hex.of(end) + ")";
    }
}
