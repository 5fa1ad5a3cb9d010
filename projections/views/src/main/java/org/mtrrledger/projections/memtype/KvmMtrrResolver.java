package org.mtrrledger.projections.memtype;

import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrState;

/**
 * KVM's {@code kvm_mtrr_get_guest_memory_type()} (arch/x86/kvm/mtrr.c, v6.3-v6.10), page by page, including its
 * quirks: the variable list is walked in KVM's base-descending order and only the <em>current</em> range's type is
 * tested for UC, so a UC range seen first followed by a non-UC, non-WT/WB-pair range yields WB ("We use WB for this
 * undefined behavior. :("); ranges come from {@code var_mtrr_range()}'s contiguous-mask arithmetic with the stored
 * mask; with E=0 the answer is {@code mtrr_disabled_type()}: UC, or WB when the guest CPUID lacks MTRR.
 */
public final class KvmMtrrResolver implements GuestMtrrResolver {
    public static final KvmMtrrResolver INSTANCE = new KvmMtrrResolver();
    private static final int WT_WB_MASK = (1 << MemType.WB.code) | (1 << MemType.WT.code);

    private KvmMtrrResolver() {
    }

    @Override
    public String name() {
        return "kvm";
    }

    /** {@code mtrr_disabled_type()}: SDM 11.11.2.2 says UC, but a guest without CPUID MTRR gets WB. */
    public static int disabledType(VmSettings s) {
        return s.guestHasMtrr() ? MemType.UC.code : MemType.WB.code;
    }

    @Override
    public int typeAt(MtrrState m, VmSettings s, long gfn) {
        if (!m.enabled()) {
            return disabledType(s);
        }
        return typeAt(m, ListedRanges.of(m), gfn);
    }

    /**
     * The same map as evaluating {@link #typeAt} at every boundary (page 0, each fixed range's end with FE=1, each
     * listed pair's {@code var_mtrr_range()} start and end) and merging equal neighbours, but without sorting the 88
     * fixed boundaries (ascending by construction: {@code fixed_seg_table} order) and with each pair's range
     * computed once instead of once per boundary. Exactness against that reading: {@code ResolverTest}.
     */
    @Override
    public MemtypeMap resolve(MtrrState m, VmSettings s, long limit) {
        if (!m.enabled()) {
            return MemtypeMap.constant(limit, disabledType(s));
        }
        ListedRanges vars = ListedRanges.of(m);
        long[] varBounds = vars.sortedBoundaryGfns();
        boolean fe = m.fixedEnabled();
        int fixedCount = fe ? FixedMtrr.NR_FIXED_RANGES : 0;
        // Up to 1 + 88 + 16 boundaries, but a resolved map has a handful of ranges: start small, grow if needed.
        MemtypeMap.Builder b = new MemtypeMap.Builder(limit, 8);
        // Page 0 first, then the two ascending lists merged; build() drops duplicates and anything >= limit.
        if (b.wants(0)) {
            b.add(0, typeAt(m, vars, 0));
        }
        int f = 0;
        int v = 0;
        while (f < fixedCount || v < varBounds.length) {
            long g;
            if (v == varBounds.length || (f < fixedCount && FixedMtrr.rangeEndGpa(f) >>> 12 <= varBounds[v])) {
                g = FixedMtrr.rangeEndGpa(f++) >>> 12;
            } else {
                g = varBounds[v++];
            }
            if (b.wants(g)) {
                b.add(g, typeAt(m, vars, g));
            }
        }
        return b.build();
    }

    /** {@code kvm_mtrr_get_guest_memory_type()} for one page with MTRRs enabled (E=1). */
    private static int typeAt(MtrrState m, ListedRanges vars, long gfn) {
        long start = gfn << 12;
        long end = start + 4096;
        // mtrr_lookup_fixed_start(): with FE=1 below 1 MiB the fixed byte answers and the walk stops there.
        if (m.fixedEnabled() && start < 0x100000L) {
            return m.fixedType(FixedMtrr.indexOfGpa(start));
        }
        return vars.typeOf(start, end, m.defaultType());
    }

    /**
     * The valid variable pairs in KVM's list order ({@code mtrr_state.head}, base descending) with their
     * {@code var_mtrr_range()} and type: what {@code mtrr_lookup_var_start()/next()} iterate.
     */
    private static final class ListedRanges {
        private final long[] start;
        private final long[] end;
        private final int[] type;

        private ListedRanges(long[] start, long[] end, int[] type) {
            this.start = start;
            this.end = end;
            this.type = type;
        }

        static ListedRanges of(MtrrState m) {
            int n = m.listLength();
            long[] start = new long[n];
            long[] end = new long[n];
            int[] type = new int[n];
            for (int i = 0; i < n; i++) {
                int idx = m.listEntry(i);
                long[] r = m.varRange(idx);
                start[i] = r[0];
                end[i] = r[1];
                type[i] = m.varType(idx);
            }
            return new ListedRanges(start, end, type);
        }

        /** Every start and end as a GFN, ascending (at most 16 values: insertion sort). */
        long[] sortedBoundaryGfns() {
            long[] b = new long[2 * start.length];
            for (int i = 0; i < start.length; i++) {
                b[2 * i] = start[i] >>> 12;
                b[2 * i + 1] = end[i] >>> 12;
            }
            for (int i = 1; i < b.length; i++) {
                long x = b[i];
                int j = i - 1;
                while (j >= 0 && b[j] > x) {
                    b[j + 1] = b[j];
                    j--;
                }
                b[j + 1] = x;
            }
            return b;
        }

        /**
         * The variable-range walk for the page [pageStart, pageEnd), KVM's quirks included: only the current
         * range's type is tested for UC, so UC seen first and then a non-UC, non-WT/WB-pair type gives WB.
         */
        int typeOf(long pageStart, long pageEnd, int defaultType) {
            int t = -1;
            for (int i = 0; i < start.length; i++) {
                // match_var_range(): !(start >= iter->end || end <= iter->start), u64 compares.
                if (Long.compareUnsigned(start[i], pageEnd) >= 0 || Long.compareUnsigned(end[i], pageStart) <= 0) {
                    continue;
                }
                int curr = type[i];
                if (t == -1) {
                    t = curr;
                    continue;
                }
                if (t == curr) {
                    continue;
                }
                if (curr == MemType.UC.code) {
                    return MemType.UC.code;
                }
                if (((1 << t) & WT_WB_MASK) != 0 && ((1 << curr) & WT_WB_MASK) != 0) {
                    t = MemType.WT.code;
                    continue;
                }
                return MemType.WB.code;
            }
            return t == -1 ? defaultType : t;
        }
    }
}
