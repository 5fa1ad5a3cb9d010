package org.mtrrledger.engine.pervm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.model.GfnRange;
import org.quicktheories.core.Gen;

/**
 * The per-VM copy's dirty ranges, restated independently: after any sequence of marks, exactly the non-degenerate
 * marked ranges sorted by start and swept together wherever the next one starts at or before the current end
 * (unsigned), ALL52 and ALL64 included; a drain returns that and leaves the tracker empty.
 */
class DirtyRangeTrackerPropertiesTest {

    static Gen<List<GfnRange>> marks() {
        Gen<Long> bound = arbitrary().pick(0L, 1L, 0x9fL, 0xa0L, 0xc0L, 0x100L, 0x80000L, 0xc0000L, 0x100000L,
                0xF_FFFF_FFFF_FFFFL, 0xFFFF_FFFF_FFFF_FFFFL, 0x8000_0000_0000_0000L);
        Gen<GfnRange> range = bound.zip(bound, GfnRange::new)
                .mix(arbitrary().pick(GfnRange.ALL52, GfnRange.ALL64, GfnRange.FIXED_AREA), 10)
                .mix(integers().between(0, 64).zip(integers().between(0, 8), (s, l) -> new GfnRange(s, s + l)), 50);
        return lists().of(range).ofSizeBetween(0, 40);
    }

    @Test
    void shouldHoldTheMarkedRangesMergedAndSorted() {
        qt().withExamples(2000).forAll(marks()).checkAssert(rs -> {
            DirtyRangeTracker t = new DirtyRangeTracker();
            for (GfnRange r : rs) {
                t.mark(r);
            }
            List<GfnRange> expected = swept(rs);
            assertEquals(expected, t.ranges(), () -> "marks " + rs);
            assertEquals(expected, t.drain());
            assertEquals(true, t.isEmpty());
        });
    }

    private static List<GfnRange> swept(List<GfnRange> marks) {
        List<GfnRange> sorted = new ArrayList<>(marks.stream().filter(r -> !r.degenerate()).toList());
        sorted.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
        List<GfnRange> out = new ArrayList<>();
        for (GfnRange r : sorted) {
            GfnRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && Long.compareUnsigned(r.start(), last.end()) <= 0) {
                long end = Long.compareUnsigned(r.end(), last.end()) > 0 ? r.end() : last.end();
                out.set(out.size() - 1, new GfnRange(last.start(), end));
            } else {
                out.add(r);
            }
        }
        return out;
    }
}
