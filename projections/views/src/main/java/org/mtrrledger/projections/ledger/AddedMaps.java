package org.mtrrledger.projections.ledger;

import java.util.Arrays;
import org.mtrrledger.projections.memtype.MemtypeMap;

/**
 * The (interned) EPT maps one policy added to its possible-sets since its last zap, by identity. Every entry of such
 * a map is still possible (only a zap removes entries), so adding it again would change nothing and is skipped. Part
 * of the memo ({@link PolicyMemo}): bounded (the oldest are forgotten, which costs a redundant add, not a different
 * result), not encoded.
 */
final class AddedMaps {
    private static final int MAX = 32;

    private final MemtypeMap[] maps = new MemtypeMap[MAX];
    private int size;

    boolean contains(MemtypeMap m) {
        for (int k = size - 1; k >= 0; k--) {
            if (maps[k] == m) {
                return true;
            }
        }
        return false;
    }

    void add(MemtypeMap m) {
        if (size == MAX) {
            clear();
        }
        maps[size++] = m;
    }

    /** After a zap of the policy: its possible-sets lost entries, and no map can be assumed present. */
    void clear() {
        Arrays.fill(maps, 0, size, null);
        size = 0;
    }
}
