package org.mtrrledger.projections.hazard;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.projections.memtype.MemtypeMap;

/**
 * Per GFN range, the set of EPT entries (memtype + IPAT, packed as {@code type << 1 | ipat}) that may be installed
 * now under one policy (domain doc 9.2): a zap empties the set of its range; after every event each online vCPU's
 * current EPT entry is added (a vCPU may fault at any time). Each member remembers the offset of the event after
 * which it first became possible since the last zap, so a hazard can say since when the stale entry has lurked.
 *
 * <p>Layout: parallel sorted arrays of range starts and {@link Cell}s; a cell holds until the next start. Adjacent
 * equal cells are merged, so the arrays stay as small as the map's real structure (a handful of ranges).
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
            return o == this || o instanceof Cell c && c.mask == mask && sameSince(c.since, since);
        }

        /** {@code Arrays.equals} for the short arrays cells hold (at most 16, mostly 1-3: a loop is cheaper). */
        private static boolean sameSince(long[] a, long[] b) {
            if (a.length != b.length) {
                return false;
            }
            for (int i = 0; i < a.length; i++) {
                if (a[i] != b[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return mask * 31 + Arrays.hashCode(since);
        }
    }

    /** Interval starts, ascending; {@code cells[i]} holds from {@code starts[i]} to the next start (or forever). */
    private long[] starts = {0};
    private Cell[] cells = {Cell.EMPTY};
    private int size = 1;

    public PossibleSets() {
    }

    private int indexOf(long gfn) {
        int lo = 0;
        int hi = size - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (Long.compareUnsigned(starts[mid], gfn) <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Rebuilds the arrays from pieces, merging equal neighbours. */
    private final class Builder {
        long[] s = new long[size + 8];
        Cell[] c = new Cell[size + 8];
        int n;

        void add(long start, Cell cell) {
            if (n > 0 && c[n - 1].equals(cell)) {
                return;
            }
            if (n == s.length) {
                s = Arrays.copyOf(s, n * 2);
                c = Arrays.copyOf(c, n * 2);
            }
            s[n] = start;
            c[n] = cell;
            n++;
        }

        void install() {
            starts = s;
            cells = c;
            size = n;
        }
    }

    /** A zap: the range's sets become empty. */
    public void clear(GfnRange r) {
        if (r.degenerate()) {
            return;
        }
        Builder b = new Builder();
        int i = 0;
        while (i < size && Long.compareUnsigned(starts[i], r.start()) < 0) {
            b.add(starts[i], cells[i]);
            i++;
        }
        b.add(r.start(), Cell.EMPTY);
        Cell atEnd = cells[indexOf(r.end())];
        if (r.end() != 0) {
            b.add(r.end(), atEnd);
            int j = indexOf(r.end()) + 1;
            for (; j < size; j++) {
                b.add(starts[j], cells[j]);
            }
        }
        b.install();
    }

    /** Adds every page's entry of {@code ept} (packed values) as possible since {@code offset}. */
    public void add(MemtypeMap ept, long offset) {
        if (containsAll(ept)) {
            return;
        }
        Builder b = new Builder();
        int i = 0;
        int m = 0;
        long pos = 0;
        long limit = ept.limit();
        while (true) {
            Cell here = cells[i];
            Cell out = Long.compareUnsigned(pos, limit) < 0 ? here.add(ept.value(m), offset) : here;
            b.add(pos, out);
            long nextOwn = i + 1 < size ? starts[i + 1] : -1L;
            long nextMap = Long.compareUnsigned(pos, limit) < 0 ? ept.end(m) : -1L;
            long next = Long.compareUnsigned(nextOwn, nextMap) < 0 ? nextOwn : nextMap;
            if (next == -1L) {
                break;
            }
            if (next == nextOwn) {
                i++;
            }
            if (next == nextMap && Long.compareUnsigned(next, limit) < 0) {
                m++;
            }
            pos = next;
        }
        b.install();
    }

    /** Whether every page's entry of {@code ept} is already possible (then adding it would change nothing). */
    private boolean containsAll(MemtypeMap ept) {
        int i = 0;
        for (int m = 0; m < ept.size(); m++) {
            long s = ept.start(m);
            long e = ept.end(m);
            int bit = 1 << ept.value(m);
            while (i + 1 < size && Long.compareUnsigned(starts[i + 1], s) <= 0) {
                i++;
            }
            for (int j = i; j < size && Long.compareUnsigned(starts[j], e) < 0; j++) {
                if ((cells[j].mask() & bit) == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The cells overlapping [start, end), clipped to it. */
    public List<Span> spans(long start, long end) {
        List<Span> out = new ArrayList<>();
        int i = indexOf(start);
        long s = start;
        while (true) {
            long next = i + 1 < size ? starts[i + 1] : -1L;
            if (Long.compareUnsigned(next, end) >= 0) {
                out.add(new Span(s, end, cells[i]));
                return out;
            }
            out.add(new Span(s, next, cells[i]));
            s = next;
            i++;
        }
    }

    public record Span(long start, long end, Cell cell) {
    }

    public PossibleSets copy() {
        PossibleSets p = new PossibleSets();
        p.starts = Arrays.copyOf(starts, size);
        p.cells = Arrays.copyOf(cells, size);
        p.size = size;
        return p;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            out.writeLong(starts[i]);
            out.writeShort(cells[i].mask());
            for (long x : cells[i].since()) {
                out.writeLong(x);
            }
        }
    }

    public static PossibleSets readFrom(DataInput in) throws IOException {
        PossibleSets p = new PossibleSets();
        int n = in.readInt();
        p.starts = new long[Math.max(1, n)];
        p.cells = new Cell[Math.max(1, n)];
        for (int i = 0; i < n; i++) {
            p.starts[i] = in.readLong();
            int mask = in.readUnsignedShort();
            long[] s = new long[Integer.bitCount(mask)];
            for (int j = 0; j < s.length; j++) {
                s[j] = in.readLong();
            }
            p.cells[i] = mask == 0 ? Cell.EMPTY : new Cell(mask, s);
        }
        p.size = n;
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PossibleSets p && p.size == size && Arrays.equals(p.starts, 0, size, starts, 0, size)
                && Arrays.equals(p.cells, 0, size, cells, 0, size);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(Arrays.copyOf(starts, size));
    }
}
