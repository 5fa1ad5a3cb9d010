package org.mtrrledger.projections.zap;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;

/**
 * Yan Zhao's v4 patch 10, {@code kvm_honors_guest_mtrrs_zap_on_cd_toggle()}: {@code cd_type} is WB (IPAT 0) with
 * the quirk, UC (IPAT 1) without; if it differs from the default type (DEF_TYPE's when E=1, else the MTRR-disabled
 * type) or IPAT is set, zap everything; otherwise, with E=1, zap [0, 0x100) if any fixed byte differs from the
 * default (FE not checked) and each valid variable range of another type. The zap list of patch 9
 * ({@code kvm_add_mtrr_zap_list()}) drops an entry with the same start and length as a queued one and is ordered by
 * length ascending (u64), then start descending.
 */
final class FineZapList {
    private FineZapList() {
    }

    static void onCdToggle(VmState vm, MtrrState m, List<Zap> out) {
        boolean quirk = vm.settings().quirkCdNwCleared();
        int cdType = quirk ? MemType.WB.code : MemType.UC.code;
        boolean cdIpat = !quirk;
        int defaultType = m.enabled() ? m.defaultType() : KvmMtrrResolver.disabledType(vm.settings());
        List<Zap> list = new ArrayList<>();
        if (cdType != defaultType || cdIpat) {
            enqueue(list, new Zap(GfnRange.ALL52, "yan-v4-fine CD toggle: cd_type " + MemType.label(cdType)
                    + (cdIpat ? "|IPAT" : "") + " vs default " + MemType.label(defaultType) + ": zap all"));
        } else if (m.enabled()) {
            for (int i = 0; i < FixedMtrr.NR_FIXED_RANGES; i++) {
                if (m.fixedType(i) != defaultType) {
                    enqueue(list, new Zap(GfnRange.FIXED_AREA, "yan-v4-fine CD toggle: a fixed range is not "
                            + MemType.label(defaultType)));
                    break;
                }
            }
            for (int i = 0; i < m.listLength(); i++) {
                int idx = m.listEntry(i);
                if (m.varType(idx) != defaultType) {
                    long[] r = m.varRange(idx);
                    enqueue(list, new Zap(GfnRange.ofGpa(r[0], r[1]), "yan-v4-fine CD toggle: variable pair " + idx
                            + " is " + MemType.label(m.varType(idx))));
                }
            }
        }
        out.addAll(list);
    }

    /** {@code kvm_add_mtrr_zap_list()}: length ascending (u64), then start descending; equal start+length dropped. */
    private static void enqueue(List<Zap> list, Zap z) {
        long len = z.range().length();
        long start = z.range().start();
        int pos = 0;
        for (; pos < list.size(); pos++) {
            GfnRange cur = list.get(pos).range();
            int byLen = Long.compareUnsigned(len, cur.length());
            if (byLen < 0) {
                break;
            }
            if (byLen > 0) {
                continue;
            }
            int byStart = Long.compareUnsigned(start, cur.start());
            if (byStart > 0) {
                break;
            }
            if (byStart < 0) {
                continue;
            }
            return;
        }
        list.add(pos, z);
    }
}
