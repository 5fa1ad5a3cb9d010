package org.mtrrledger.projections.hazard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.projections.memtype.MemtypeMap;

/**
 * Possible-sets against domain doc 9.2 read page by page: a zap empties each page's set, an add puts each page's
 * entry in its set (with the offset, unless already there). Applied at once, or queued in a {@link PossibleSets.Work}
 * whose zaps of the whole space drop them: none of the queueing may show in what the settled sets say (spans,
 * encoding, copies, equality), whenever they are read.
 */
class PossibleSetsTest {
    /** A small GFN space, so the page-by-page model stays cheap; maps of a smaller limit cover a prefix. */
    private static final int PAGES = 96;

    @Test
    void shouldSayWhatAddingAndClearingPageByPageSays() {
        qt().withExamples(500).forAll(longs().all()).checkAssert(seed -> {
            try {
                assertSaysWhatAddingAndClearingPageByPageSays(seed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void assertSaysWhatAddingAndClearingPageByPageSays(long seed) throws IOException {
        Random r = new Random(seed);
        PossibleSets sets = new PossibleSets();
        PossibleSets queued = new PossibleSets();
        PossibleSets.Work work = new PossibleSets.Work();
        PageModel model = new PageModel();
        for (int step = 0, n = 1 + r.nextInt(60); step < n; step++) {
            int pick = r.nextInt(10);
            if (pick < 5) {
                MemtypeMap m = randomMap(r);
                sets.add(m, step);
                queued.add(m, step, work);
                model.add(m, step);
            } else if (pick < 8) {
                GfnRange z = randomZap(r);
                sets.clear(z);
                queued.clear(z, work);
                model.clear(z);
            } else {
                // A read in the middle: settles whatever is queued; the model has nothing to do.
                readEverything(sets, model);
                queued.settle(work);
                readEverything(queued, model);
            }
        }
        readEverything(sets, model);
        queued.settle(work);
        readEverything(queued, model);
    }

    private static void readEverything(PossibleSets sets, PageModel model) throws IOException {
        byte[] expected = model.encoding();
        assertArrayEquals(expected, encoding(sets));
        PossibleSets copy = sets.copy();
        assertArrayEquals(expected, encoding(copy));
        assertEquals(sets, copy);
        for (PossibleSets.Span sp : sets.spans(0, PAGES)) {
            for (long g = sp.start(); g < sp.end(); g++) {
                assertEquals(model.mask[(int) g], sp.cell().mask(), "page " + g);
            }
        }
    }

    private static byte[] encoding(PossibleSets sets) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        sets.writeTo(new DataOutputStream(b));
        return b.toByteArray();
    }

    private static MemtypeMap randomMap(Random r) {
        long limit = r.nextInt(4) == 0 ? 1 + r.nextInt(PAGES) : PAGES;
        int n = r.nextInt(6);
        long[] bounds = new long[n];
        for (int i = 0; i < n; i++) {
            bounds[i] = r.nextInt(PAGES);
        }
        int[] values = new int[PAGES];
        for (int i = 0; i < PAGES; i++) {
            values[i] = r.nextInt(3) == 0 ? r.nextInt(16) : 12;
        }
        return MemtypeMap.build(limit, bounds, n, g -> values[(int) g]);
    }

    private static GfnRange randomZap(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> new GfnRange(0, PAGES);
            case 1 -> GfnRange.ALL64;
            default -> {
                long s = r.nextInt(PAGES);
                yield new GfnRange(s, s + r.nextInt(PAGES));
            }
        };
    }

    /** Each page's set as a mask and the offsets of its members, in bit order. */
    private static final class PageModel {
        final int[] mask = new int[PAGES];
        final long[][] since = new long[PAGES][0];

        void add(MemtypeMap m, long offset) {
            for (int g = 0; g < m.limit(); g++) {
                int entry = m.valueAt(g);
                if ((mask[g] & (1 << entry)) == 0) {
                    mask[g] |= 1 << entry;
                    List<Long> s = new ArrayList<>();
                    for (int bit = 0, j = 0; bit < 16; bit++) {
                        if ((mask[g] & (1 << bit)) != 0) {
                            s.add(bit == entry ? offset : since[g][j++]);
                        }
                    }
                    since[g] = s.stream().mapToLong(Long::longValue).toArray();
                }
            }
        }

        void clear(GfnRange z) {
            for (int g = 0; g < PAGES; g++) {
                if (z.contains(g)) {
                    mask[g] = 0;
                    since[g] = new long[0];
                }
            }
        }

        /** The layout of {@link PossibleSets#writeTo}: maximal runs of equal sets, the empty rest from the end. */
        byte[] encoding() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(b);
            List<Integer> runStarts = new ArrayList<>();
            for (int g = 0; g <= PAGES; g++) {
                if (g == 0 || !sameSet(g - 1, g)) {
                    runStarts.add(g);
                }
            }
            out.writeInt(runStarts.size());
            for (int g : runStarts) {
                out.writeLong(g);
                out.writeShort(g == PAGES ? 0 : mask[g]);
                for (long x : g == PAGES ? new long[0] : since[g]) {
                    out.writeLong(x);
                }
            }
            return b.toByteArray();
        }

        /** Page PAGES stands for everything above: always empty. */
        private boolean sameSet(int a, int b) {
            int ma = a == PAGES ? 0 : mask[a];
            int mb = b == PAGES ? 0 : mask[b];
            long[] sa = a == PAGES ? new long[0] : since[a];
            long[] sb = b == PAGES ? new long[0] : since[b];
            return ma == mb && Arrays.equals(sa, sb);
        }
    }
}
