package org.mtrrledger.projections.ledger;

import java.util.Arrays;
import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;

/**
 * The resolution of each MTRR state <em>content</em> seen lately in one VM. {@link GuestMapCache}'s lookup by state
 * object goes stale at every write to a vCPU's MTRRs, but the new content is usually one
 * another vCPU held before: the firmware programs every AP as it programmed the BSP, and so does the kernel
 * (Linux's {@code cache_cpu_init()} -> {@code mtrr_generic_set_state()} with the BSP's saved values), write by write
 * in the same order. Counted on {@code typicalFleet(42)}: 0.4-0.6 resolutions per event, each of a map seen
 * before. A fingerprint and one {@link MtrrState#equals} against a stored copy then replace
 * {@code KvmMtrrResolver.resolve}. Part of the memo: bounded (forgets everything when full, which only costs
 * resolving again).
 */
final class ResolvedStates {
    /** Distinct contents kept; a boot goes through a few dozen per VM. */
    private static final int MAX = 128;
    /** Open addressing, at most half full. */
    private static final int SLOTS = 2 * MAX;

    private final long[] prints = new long[SLOTS];
    private final MtrrState[] contents = new MtrrState[SLOTS];
    private final GuestMapCache.Resolution[] resolutions = new GuestMapCache.Resolution[SLOTS];
    private int size;

    /** The resolution stored for a state with {@code m}'s content under {@code settings}, or null. */
    GuestMapCache.Resolution get(MtrrState m, long print, VmSettings settings) {
        for (int i = slot(print); contents[i] != null; i = (i + 1) & (SLOTS - 1)) {
            if (prints[i] == print && contents[i].equals(m)) {
                GuestMapCache.Resolution r = resolutions[i];
                return r.settings() == settings || r.settings().equals(settings) ? r : null;
            }
        }
        return null;
    }

    /** Remembers {@code r} for {@code m}'s content now (a copy: {@code m} is the fold's and changes in place). */
    void put(MtrrState m, long print, GuestMapCache.Resolution r) {
        int i = slot(print);
        for (; contents[i] != null; i = (i + 1) & (SLOTS - 1)) {
            if (prints[i] == print && contents[i].equals(m)) {
                resolutions[i] = r;
                return;
            }
        }
        if (size == MAX) {
            Arrays.fill(contents, null);
            Arrays.fill(resolutions, null);
            size = 0;
            i = slot(print);
        }
        prints[i] = print;
        contents[i] = m.copy();
        resolutions[i] = r;
        size++;
    }

    private static int slot(long print) {
        return (int) (print ^ (print >>> 32)) & (SLOTS - 1);
    }

    /**
     * A 64-bit hash of everything {@link MtrrState#equals} compares: DEF_TYPE, the 88 fixed bytes (8 per word, so
     * the multiply chain is 11 long rather than 88), the PHYSBASE/PHYSMASK pairs and KVM's list order.
     */
    static long fingerprint(MtrrState m) {
        final long k = 0x9E3779B97F4A7C15L;
        long h = m.deftype() * k;
        for (int w = 0; w < FixedMtrr.NR_FIXED_RANGES; w += 8) {
            long x = 0;
            for (int b = 0; b < 8; b++) {
                x |= (long) m.fixedType(w + b) << (8 * b);
            }
            h = (h ^ x) * k;
        }
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            h = (h ^ m.base(i)) * k;
            h = (h ^ m.mask(i)) * k;
        }
        long order = m.listLength();
        for (int i = 0; i < m.listLength(); i++) {
            order = order << 4 | m.listEntry(i);
        }
        h = (h ^ order) * k;
        return h ^ (h >>> 29);
    }
}
