package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Where two snapshots of the same target differ: per GFN range the before and after entries. */
public final class SnapshotDiff {
    private SnapshotDiff() {
    }

    public record Changed(long startGfn, long endGfn, MemtypeSnapshot.Range before, MemtypeSnapshot.Range after) {
    }

    public static List<Changed> between(MemtypeSnapshot a, MemtypeSnapshot b) {
        TreeSet<Long> bounds = new TreeSet<>();
        a.ranges().forEach(r -> {
            bounds.add(r.startGfn());
            bounds.add(r.endGfn());
        });
        b.ranges().forEach(r -> {
            bounds.add(r.startGfn());
            bounds.add(r.endGfn());
        });
        List<Changed> out = new ArrayList<>();
        Long prev = null;
        for (long x : bounds) {
            if (prev != null) {
                MemtypeSnapshot.Range ra = find(a, prev);
                MemtypeSnapshot.Range rb = find(b, prev);
                if (ra != null && rb != null && !same(ra, rb)) {
                    Changed last = out.isEmpty() ? null : out.get(out.size() - 1);
                    if (last != null && last.endGfn() == prev && same(last.before(), ra) && same(last.after(), rb)) {
                        out.set(out.size() - 1, new Changed(last.startGfn(), x, ra, rb));
                    } else {
                        out.add(new Changed(prev, x, ra, rb));
                    }
                }
            }
            prev = x;
        }
        return out;
    }

    private static boolean same(MemtypeSnapshot.Range a, MemtypeSnapshot.Range b) {
        return a.memtype() == b.memtype() && a.eptMemtype() == b.eptMemtype() && a.ipat() == b.ipat();
    }

    private static MemtypeSnapshot.Range find(MemtypeSnapshot s, long gfn) {
        for (MemtypeSnapshot.Range r : s.ranges()) {
            if (gfn >= r.startGfn() && gfn < r.endGfn()) {
                return r;
            }
        }
        return null;
    }
}
