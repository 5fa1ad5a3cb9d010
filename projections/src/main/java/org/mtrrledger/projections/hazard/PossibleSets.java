package org.mtrrledger.projections.hazard;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.projections.memtype.MemtypeMap;

/**
 * Per GFN range, the set of EPT entries (memtype + IPAT, packed as {@code type << 1 | ipat}) that may be installed
 * now under one policy (domain doc 9.2): a zap empties the set of its range; after every event each online vCPU's
 * current EPT entry is added (a vCPU may fault at any time). Each member remembers the offset of the event after
 * which it first became possible since the last zap, so a hazard can say since when the stale entry has lurked.
 *
 * <p>Layout: a sorted map from range start to {@link Cell}; a cell holds until the next key. Adjacent equal cells
 * are merged.
 */
public final class PossibleSets {
    /** An immutable set of packed EPT entries (bit i = entry i, 16 possible) with the offset each became possible. */
    public record Cell(int mask, long[] since) {
        public static final Cell EMPTY = new Cell(0, new long[0]);

        Cell add(int entry, long offset) {
            if ((mask & (1 << entry)) != 0) {
                return this;
            }
            int m = mask | (1 << entry);
            long[] s = new long[Integer.bitCount(m)];
            int j = 0;
            for (int bit = 0; bit < 16; bit++) {
                if ((m & (1 << bit)) != 0) {
                    s[j++] = bit == entry ? offset : sinceOf(bit);
                }
            }
            return new Cell(m, s);
        }

        public long sinceOf(int entry) {
            int rank = Integer.bitCount(mask & ((1 << entry) - 1));
            return since[rank];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cell c && c.mask == mask && Arrays.equals(c.since, since);
        }

        @Override
        public int hashCode() {
            return mask * 31 + Arrays.hashCode(since);
        }
    }

    private final TreeMap<Long, Cell> cells = new TreeMap<>(Long::compareUnsigned);

    public PossibleSets() {
        cells.put(0L, Cell.EMPTY);
    }

    private void split(long at) {
        if (!cells.containsKey(at)) {
            Map.Entry<Long, Cell> floor = cells.floorEntry(at);
            cells.put(at, floor.getValue());
        }
    }

    /** A zap: the range's sets become empty. */
    public void clear(GfnRange r) {
        if (r.degenerate()) {
            return;
        }
        split(r.start());
        boolean toEnd = r.end() == 0;
        if (!toEnd) {
            split(r.end());
        }
        var sub = toEnd ? cells.tailMap(r.start(), true) : cells.subMap(r.start(), true, r.end(), false);
        sub.replaceAll((k, v) -> Cell.EMPTY);
        normalize();
    }

    /** Adds every page's entry of {@code ept} (packed values) as possible since {@code offset}. */
    public void add(MemtypeMap ept, long offset) {
        for (int i = 0; i < ept.size(); i++) {
            long s = ept.start(i);
            long e = ept.end(i);
            int entry = ept.value(i);
            split(s);
            split(e);
            for (Map.Entry<Long, Cell> x : cells.subMap(s, true, e, false).entrySet()) {
                x.setValue(x.getValue().add(entry, offset));
            }
        }
        normalize();
    }

    private void normalize() {
        Cell prev = null;
        var it = cells.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Cell> x = it.next();
            if (prev != null && prev.equals(x.getValue())) {
                it.remove();
            } else {
                prev = x.getValue();
            }
        }
    }

    /** The cells overlapping [start, end), clipped to it. */
    public List<Span> spans(long start, long end) {
        List<Span> out = new ArrayList<>();
        Map.Entry<Long, Cell> first = cells.floorEntry(start);
        long s = start;
        Cell c = first.getValue();
        for (Map.Entry<Long, Cell> x : cells.tailMap(start, false).entrySet()) {
            if (Long.compareUnsigned(x.getKey(), end) >= 0) {
                break;
            }
            out.add(new Span(s, x.getKey(), c));
            s = x.getKey();
            c = x.getValue();
        }
        out.add(new Span(s, end, c));
        return out;
    }

    public record Span(long start, long end, Cell cell) {
    }

    public PossibleSets copy() {
        PossibleSets p = new PossibleSets();
        p.cells.clear();
        p.cells.putAll(cells);
        return p;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(cells.size());
        for (Map.Entry<Long, Cell> x : cells.entrySet()) {
            out.writeLong(x.getKey());
            out.writeShort(x.getValue().mask());
            for (long s : x.getValue().since()) {
                out.writeLong(s);
            }
        }
    }

    public static PossibleSets readFrom(DataInput in) throws IOException {
        PossibleSets p = new PossibleSets();
        p.cells.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long k = in.readLong();
            int mask = in.readUnsignedShort();
            long[] s = new long[Integer.bitCount(mask)];
            for (int j = 0; j < s.length; j++) {
                s[j] = in.readLong();
            }
            p.cells.put(k, mask == 0 ? Cell.EMPTY : new Cell(mask, s));
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PossibleSets p && p.cells.equals(cells);
    }

    @Override
    public int hashCode() {
        return cells.hashCode();
    }
}
