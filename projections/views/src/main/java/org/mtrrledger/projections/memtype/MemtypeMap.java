package org.mtrrledger.projections.memtype;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongToIntFunction;

/**
 * An interval map over the GFN space [0, limit) to an int value (a memtype code, or a packed memtype+IPAT), with
 * adjacent equal ranges merged. Immutable.
 */
public final class MemtypeMap {
    private final long[] starts;
    private final int[] values;
    private final long limit;
    private int hash;

    private MemtypeMap(long[] starts, int[] values, long limit) {
        this.starts = starts;
        this.values = values;
        this.limit = limit;
    }

    public static MemtypeMap constant(long limit, int value) {
        return new MemtypeMap(new long[] {0}, new int[] {value}, limit);
    }

    /**
     * Evaluates {@code valueAt} at the first GFN of every elementary interval between the sorted, de-duplicated
     * {@code boundaries} (values outside [0, limit) are dropped), then merges equal neighbours. Exact as long as
     * the value is constant between boundaries.
     */
    public static MemtypeMap build(long limit, long[] boundaries, int count, LongToIntFunction valueAt) {
        long[] b = Arrays.copyOf(boundaries, count + 1);
        b[count] = 0;
        Arrays.sort(b);
        Builder out = new Builder(limit, b.length);
        for (long x : b) {
            if (out.wants(x)) {
                out.add(x, valueAt.applyAsInt(x));
            }
        }
        return out.build();
    }

    /**
     * Collects a map from its boundaries in ascending order: {@link #wants} drops a boundary outside [0, limit) or
     * equal to the previous one; {@link #add} merges a value equal to the previous range's.
     */
    static final class Builder {
        private final long limit;
        private long[] starts;
        private int[] values;
        private int size;
        private long previous = -1;

        Builder(long limit, int capacity) {
            this.limit = limit;
            this.starts = new long[Math.max(1, capacity)];
            this.values = new int[starts.length];
        }

        boolean wants(long gfn) {
            return gfn >= 0 && gfn < limit && gfn != previous;
        }

        /** The value from {@code gfn} (ascending, {@link #wants} it) to the next boundary. */
        void add(long gfn, int value) {
            previous = gfn;
            if (size > 0 && values[size - 1] == value) {
                return;
            }
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            starts[size] = gfn;
            values[size] = value;
            size++;
        }

        MemtypeMap build() {
            return new MemtypeMap(Arrays.copyOf(starts, size), Arrays.copyOf(values, size), limit);
        }
    }

    /** Applies {@code f} to every value and merges equal neighbours. */
    public MemtypeMap map(java.util.function.IntUnaryOperator f) {
        long[] s = new long[starts.length];
        int[] v = new int[starts.length];
        int n = 0;
        for (int i = 0; i < starts.length; i++) {
            int val = f.applyAsInt(values[i]);
            if (n > 0 && v[n - 1] == val) {
                continue;
            }
            s[n] = starts[i];
            v[n] = val;
            n++;
        }
        return new MemtypeMap(Arrays.copyOf(s, n), Arrays.copyOf(v, n), limit);
    }

    /** Pairs this map with another over the same space: {@code f(a, b)} per common sub-interval. */
    public MemtypeMap zip(MemtypeMap o, java.util.function.IntBinaryOperator f) {
        long[] bounds = new long[starts.length + o.starts.length];
        System.arraycopy(starts, 0, bounds, 0, starts.length);
        System.arraycopy(o.starts, 0, bounds, starts.length, o.starts.length);
        return build(limit, bounds, bounds.length, g -> f.applyAsInt(valueAt(g), o.valueAt(g)));
    }

    public int valueAt(long gfn) {
        int i = Arrays.binarySearch(starts, gfn);
        if (i < 0) {
            i = -i - 2;
        }
        return values[i];
    }

    public long limit() {
        return limit;
    }

    public int size() {
        return starts.length;
    }

    public long start(int i) {
        return starts[i];
    }

    public long end(int i) {
        return i + 1 < starts.length ? starts[i + 1] : limit;
    }

    public int value(int i) {
        return values[i];
    }

    /** The ranges as records, in ascending order. */
    public List<Range> ranges() {
        List<Range> out = new ArrayList<>(starts.length);
        for (int i = 0; i < starts.length; i++) {
            out.add(new Range(start(i), end(i), values[i]));
        }
        return out;
    }

    public record Range(long startGfn, long endGfn, int value) {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemtypeMap m && m.limit == limit && Arrays.equals(m.starts, starts)
                && Arrays.equals(m.values, values);
    }

    /**
     * Maps are interned and looked up by value on the projection's hot path ({@code GuestMapCache}); being
     * immutable, the hash is computed once (0 = not yet, as {@link String#hashCode}).
     */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(starts) * 31 + Arrays.hashCode(values);
            hash = h;
        }
        return h;
    }
}
