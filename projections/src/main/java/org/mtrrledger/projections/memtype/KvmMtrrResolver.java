package org.mtrrledger.projections.memtype;

import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.engine.mtrr.FixedMtrr;
import org.mtrrledger.engine.mtrr.MemType;
import org.mtrrledger.engine.mtrr.MtrrState;

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
        long start = gfn << 12;
        long end = start + 4096;
        // mtrr_lookup_fixed_start(): with FE=1 below 1 MiB the fixed byte answers and the walk stops there.
        if (m.fixedEnabled() && start < 0x100000L) {
            return m.fixedType(FixedMtrr.indexOfGpa(start));
        }
        int type = -1;
        for (int i = 0; i < m.listLength(); i++) {
            int idx = m.listEntry(i);
            long[] r = m.varRange(idx);
            // match_var_range(): !(start >= iter->end || end <= iter->start), u64 compares.
            if (Long.compareUnsigned(r[0], end) >= 0 || Long.compareUnsigned(r[1], start) <= 0) {
                continue;
            }
            int curr = m.varType(idx);
            if (type == -1) {
                type = curr;
                continue;
            }
            if (type == curr) {
                continue;
            }
            if (curr == MemType.UC.code) {
                return MemType.UC.code;
            }
            if (((1 << type) & WT_WB_MASK) != 0 && ((1 << curr) & WT_WB_MASK) != 0) {
                type = MemType.WT.code;
                continue;
            }
            return MemType.WB.code;
        }
        return type == -1 ? m.defaultType() : type;
    }

    @Override
    public MemtypeMap resolve(MtrrState m, VmSettings s) {
        long limit = s.gfnLimit();
        if (!m.enabled()) {
            return MemtypeMap.constant(limit, disabledType(s));
        }
        long[] b = new long[2 + FixedMtrr.NR_FIXED_RANGES + 2 * m.listLength()];
        int n = 0;
        b[n++] = 0;
        if (m.fixedEnabled()) {
            for (int i = 0; i < FixedMtrr.NR_FIXED_RANGES; i++) {
                b[n++] = FixedMtrr.rangeEndGpa(i) >>> 12;
            }
        }
        for (int i = 0; i < m.listLength(); i++) {
            long[] r = m.varRange(m.listEntry(i));
            b[n++] = r[0] >>> 12;
            b[n++] = r[1] >>> 12;
        }
        return MemtypeMap.build(limit, b, n, g -> typeAt(m, s, g));
    }
}
