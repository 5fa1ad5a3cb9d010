package org.mtrrledger.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrefetchingRecordsTest {
    /** A source of n records that throws at index failAt (or never, with -1). */
    private static Iterator<KeyedRecord> source(int n, int failAt, AtomicInteger produced) {
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public KeyedRecord next() {
                if (i == failAt) {
                    throw new IllegalArgumentException("bad line " + i);
                }
                produced.incrementAndGet();
                return new KeyedRecord("vm-" + (i % 3), new byte[] {(byte) i++});
            }
        };
    }

    @Test
    void shouldDeliverEveryRecordInOrder() {
        try (PrefetchingRecords p = new PrefetchingRecords(source(5000, -1, new AtomicInteger()), "t")) {
            List<Integer> seen = new ArrayList<>();
            p.forEachRemaining(r -> seen.add(r.value()[0] & 0xFF));
            assertEquals(5000, seen.size());
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i & 0xFF, seen.get(i));
            }
            assertFalse(p.hasNext());
        }
    }

    @Test
    void shouldSurfaceTheSourcesFailureAfterTheRecordsBeforeIt() {
        try (PrefetchingRecords p = new PrefetchingRecords(source(5000, 2500, new AtomicInteger()), "t")) {
            int n = 0;
            IllegalArgumentException e = null;
            try {
                while (p.hasNext()) {
                    p.next();
                    n++;
                }
            } catch (IllegalArgumentException ex) {
                e = ex;
            }
            assertEquals(2500, n);
            assertEquals("bad line 2500", e.getMessage());
        }
    }

    @Test
    void shouldStopTheWorkerWhenTheConsumerGivesUp() throws InterruptedException {
        AtomicInteger produced = new AtomicInteger();
        PrefetchingRecords p = new PrefetchingRecords(source(10_000_000, -1, produced), "t");
        p.next();
        p.close();
        int atClose = produced.get();
        Thread.sleep(200);
        assertEquals(atClose, produced.get(), "nothing is produced after close");
        assertTrue(atClose < 10_000_000, "the worker stopped early: " + atClose);
    }
}
