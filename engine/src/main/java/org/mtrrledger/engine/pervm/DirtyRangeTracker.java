package org.mtrrledger.engine.pervm;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.events.model.GfnRange;

/**
 * The dirty GFN ranges of the {@link PerVmCopy} (domain doc 9.1, Yan Zhao's counter-proposal in the seed thread):
 * spans whose MTRR value changed since the last drain. Kept normalised (sorted ascending, overlapping or adjacent
 * ranges merged) so that a VM that never drains stays bounded; a drain therefore returns exactly "the dirty ranges
 * merged and sorted ascending".
 */
public final class DirtyRangeTracker {
    private final List<GfnRange> ranges = new ArrayList<>();

    /**
     * Merges {@code r} in place. The list is sorted with gaps ({@code x.end < y.start} for neighbours), so the
     * ranges {@code r} leaves alone are a prefix (ending before it) and a suffix (starting after the merged span),
     * and the ones between merge into one; re-marking a span already dirty, the common case, allocates nothing.
     */
    void mark(GfnRange r) {
        if (r.degenerate()) {
            return;
        }
        long s = r.start();
        long e = r.end();
        int n = ranges.size();
        int i = 0;
        while (i < n && Long.compareUnsigned(ranges.get(i).end(), s) < 0) {
            i++;
        }
        int j = i;
        for (; j < n; j++) {
            GfnRange x = ranges.get(j);
            if (Long.compareUnsigned(x.start(), e) > 0) {
                break;
            }
            s = Long.compareUnsigned(x.start(), s) < 0 ? x.start() : s;
            e = Long.compareUnsigned(x.end(), e) > 0 ? x.end() : e;
        }
        if (j == i) {
            ranges.add(i, new GfnRange(s, e));
            return;
        }
        GfnRange first = ranges.get(i);
        if (first.start() != s || first.end() != e) {
            ranges.set(i, new GfnRange(s, e));
        }
        if (j > i + 1) {
            ranges.subList(i + 1, j).clear();
        }
    }

    /** The dirty ranges, merged and sorted ascending; the tracker is empty afterwards. */
    List<GfnRange> drain() {
        List<GfnRange> out = List.copyOf(ranges);
        ranges.clear();
        return out;
    }

    public List<GfnRange> ranges() {
        return List.copyOf(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    DirtyRangeTracker copy() {
        DirtyRangeTracker c = new DirtyRangeTracker();
        c.ranges.addAll(ranges);
        return c;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(ranges.size());
        for (GfnRange r : ranges) {
            out.writeLong(r.start());
            out.writeLong(r.end());
        }
    }

    static DirtyRangeTracker readFrom(DataInput in) throws IOException {
        DirtyRangeTracker t = new DirtyRangeTracker();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            t.ranges.add(new GfnRange(in.readLong(), in.readLong()));
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DirtyRangeTracker t && t.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }
}
