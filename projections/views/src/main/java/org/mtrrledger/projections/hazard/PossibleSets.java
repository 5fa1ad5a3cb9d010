package org.mtrrledger.projections.hazard;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.projections.memtype.MemtypeMap;

/**
 * Per GFN range, the set of EPT entries (memtype + IPAT, packed as {@code type << 1 | ipat}) that may be installed
 * now under one policy (domain doc 9.2): a zap empties the set of its range; after every event each online vCPU's
 * current EPT entry is added (a vCPU may fault at any time). Each member remembers the offset of the event after
 * which it first became possible since the last zap, so a hazard can say since when the stale entry has lurked.
 *
 * <p>Layout: parallel sorted arrays of range starts and {@link Cell}s; a cell holds until the next start. Adjacent
 * equal cells are merged, so the arrays stay as small as the map's real structure (a handful of ranges). The sets
 * are these arrays and nothing else (what {@link #writeTo} writes and {@link #equals} compares): a projection
 * queues its adds and rebuilds through a {@link Work} kept in its memo, and settles them before the sets are read.
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

    /**
     * The working memory of one {@link PossibleSets} as a projection updates it event after event, kept in the
     * projection's memo, never in the sets: the adds taken but not applied yet ({@link PendingAdds}), and the spare
     * arrays a rebuild writes into ({@link #put}), swapped with the live ones when it ends, so a rebuild allocates
     * nothing once they are large enough. Bound to one instance of the sets: {@link #settle} applies its adds there.
     */
    public static final class Work {
        private final PendingAdds pending = new PendingAdds();
        private long[] nextStarts = new long[0];
        private Cell[] nextCells = new Cell[0];
        private int nextSize;

        public Work() {
        }

        /** Starts a rebuild into the spare arrays, with room for {@code capacity} pieces (more grows them). */
        private void begin(int capacity) {
            if (nextStarts.length < capacity) {
                nextStarts = new long[capacity];
                nextCells = new Cell[capacity];
            }
            nextSize = 0;
        }

        /** Appends a piece of the rebuild, merged into the previous one if equal (the arrays stay canonical). */
        private void put(long start, Cell cell) {
            int n = nextSize;
            if (n > 0 && nextCells[n - 1].equals(cell)) {
                return;
            }
            if (n == nextStarts.length) {
                nextStarts = Arrays.copyOf(nextStarts, n * 2);
                nextCells = Arrays.copyOf(nextCells, n * 2);
            }
            nextStarts[n] = start;
            nextCells[n] = cell;
            nextSize = n + 1;
        }

        /**
         * Makes the rebuild live in {@code p}; its old arrays become the spare ones. Their stale cells are not
         * cleared: each rebuild writes a slot before it reads it, and cells are small immutable values (copies share
         * them).
         */
        private void install(PossibleSets p) {
            long[] s = p.starts;
            Cell[] c = p.cells;
            p.starts = nextStarts;
            p.cells = nextCells;
            p.size = nextSize;
            nextStarts = s;
            nextCells = c;
        }
    }

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

    /**
     * A zap: the range's sets become empty. Applied at once, into arrays of its own (no {@link Work} at hand): the
     * plain path the reference test (PolicyProjectionReferenceTest) checks the projection's queued one against.
     */
    public void clear(GfnRange r) {
        clear(r, new Work());
    }

    /** {@link #clear(GfnRange)}, with the adds {@code work} holds for these sets taken first. */
    public void clear(GfnRange r, Work work) {
        if (r.degenerate()) {
            return;
        }
        if (work.pending.coveredBy(r.start(), r.end())) {
            // Whatever the pending adds would have made possible lies inside r: this zap takes it away again.
            work.pending.clear();
        } else {
            settle(work);
        }
        if (size == 1 && cells[0].mask() == 0) {
            return;
        }
        work.begin(size + 2);
        int i = 0;
        while (i < size && Long.compareUnsigned(starts[i], r.start()) < 0) {
            work.put(starts[i], cells[i]);
            i++;
        }
        work.put(r.start(), Cell.EMPTY);
        if (r.end() != 0) {
            int j = indexOf(r.end());
            work.put(r.end(), cells[j]);
            for (j++; j < size; j++) {
                work.put(starts[j], cells[j]);
            }
        }
        work.install(this);
    }

    /**
     * Adds every page's entry of {@code ept} (packed values) as possible since {@code offset}. Applied at once, into
     * arrays of its own (no {@link Work} at hand).
     */
    public void add(MemtypeMap ept, long offset) {
        addNow(ept, offset, new Work());
    }

    /**
     * {@link #add(MemtypeMap, long)}, queued in {@code work}: applied when the sets are next settled
     * ({@link #settle}), unless a zap of the whole range drops it first ({@link PendingAdds}).
     */
    public void add(MemtypeMap ept, long offset, Work work) {
        if (work.pending.isFull()) {
            settle(work);
        }
        work.pending.add(ept, offset);
    }

    /** Applies the adds {@code work} holds for these sets, in order: before they are read, copied or encoded. */
    public void settle(Work work) {
        PendingAdds pending = work.pending;
        if (pending.isEmpty()) {
            return;
        }
        for (int k = 0; k < pending.size(); k++) {
            addNow(pending.map(k), pending.offset(k), work);
        }
        pending.clear();
    }

    /** {@link #add} applied: one merge of the arrays with the map's ranges. */
    private void addNow(MemtypeMap ept, long offset, Work work) {
        work.begin(size + ept.size() + 1);
        int i = 0;
        int m = 0;
        long pos = 0;
        long limit = ept.limit();
        // Consecutive pieces often come from the same cell: the same input gives the very same output cell, so
        // equal neighbours are merged by identity without comparing their offsets.
        Cell lastIn = null;
        int lastEntry = -1;
        Cell lastOut = null;
        while (true) {
            Cell here = cells[i];
            Cell out;
            if (Long.compareUnsigned(pos, limit) >= 0) {
                out = here;
            } else {
                int entry = ept.value(m);
                if (here == lastIn && entry == lastEntry) {
                    out = lastOut;
                } else {
                    out = here.add(entry, offset);
                    lastIn = here;
                    lastEntry = entry;
                    lastOut = out;
                }
            }
            work.put(pos, out);
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
        work.install(this);
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

    /**
     * {@link #spans} without the list, for {@link HazardCheck}: the index of the piece holding {@code gfn}.
     * {@link #pieceCell} and {@link #pieceEnd} then walk the pieces from there.
     */
    int pieceAt(long gfn) {
        return indexOf(gfn);
    }

    Cell pieceCell(int i) {
        return cells[i];
    }

    /** Where piece {@code i} ends: the next start, or -1 (2^64, unsigned) for the last one. */
    long pieceEnd(int i) {
        return i + 1 < size ? starts[i + 1] : -1L;
    }

    /** An independent copy of the sets. */
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
        return o instanceof PossibleSets b && size == b.size && Arrays.equals(starts, 0, size, b.starts, 0, b.size)
                && Arrays.equals(cells, 0, size, b.cells, 0, b.size);
    }

    /** {@code Arrays.hashCode} of the live starts. */
    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size; i++) {
            h = 31 * h + Long.hashCode(starts[i]);
        }
        return h;
    }
}
