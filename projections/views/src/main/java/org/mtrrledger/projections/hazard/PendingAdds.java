package org.mtrrledger.projections.hazard;

import java.util.Arrays;
import org.mtrrledger.projections.memtype.MemtypeMap;

/**
 * The adds a {@link PossibleSets} took but has not applied yet, in arrival order (kept in its
 * {@link PossibleSets.Work}). Most of them never need applying:
 * after a zap every online vCPU is re-added (domain doc 9.4, step 5), and the next full zap (a DEF_TYPE write, a
 * CR0.CD toggle, a non-coherent DMA start/stop: {@code kvm_zap_gfn_range(kvm, 0, ~0)} and friends) empties the
 * whole space those adds covered before anything looked at them. Only a check point, a partial zap, a copy or an
 * encode needs the applied sets.
 */
final class PendingAdds {
    /** More than a full re-add after a zap usually queues (the distinct EPT maps of the online vCPUs: 1-3). */
    static final int CAPACITY = 8;

    private final MemtypeMap[] maps = new MemtypeMap[CAPACITY];
    private final long[] offsets = new long[CAPACITY];
    private int size;
    /** The largest {@link MemtypeMap#limit()} queued (unsigned): every pending add stays inside [0, maxLimit). */
    private long maxLimit;

    boolean isEmpty() {
        return size == 0;
    }

    boolean isFull() {
        return size == CAPACITY;
    }

    int size() {
        return size;
    }

    MemtypeMap map(int i) {
        return maps[i];
    }

    long offset(int i) {
        return offsets[i];
    }

    void add(MemtypeMap ept, long offset) {
        maps[size] = ept;
        offsets[size] = offset;
        size++;
        if (Long.compareUnsigned(ept.limit(), maxLimit) > 0) {
            maxLimit = ept.limit();
        }
    }

    /** Whether a clear of [start, end) empties everything the pending adds would add (they can then be dropped). */
    boolean coveredBy(long start, long end) {
        return start == 0 && Long.compareUnsigned(end, maxLimit) >= 0;
    }

    void clear() {
        Arrays.fill(maps, 0, size, null);
        size = 0;
        maxLimit = 0;
    }
}
