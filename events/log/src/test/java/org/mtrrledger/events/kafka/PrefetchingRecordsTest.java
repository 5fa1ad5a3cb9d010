package org.mtrrledger.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
    void shouldStopTheWorkerWhenTheConsumerGivesUp() {
        AtomicInteger produced = new AtomicInteger();
        AtomicReference<Thread> worker = new AtomicReference<>();
        Iterator<KeyedRecord> source = source(10_000_000, -1, produced);
        PrefetchingRecords p = new PrefetchingRecords(new Iterator<>() {
            @Override
            public boolean hasNext() {
                worker.set(Thread.currentThread());
                return source.hasNext();
            }

            @Override
            public KeyedRecord next() {
                return source.next();
            }
        }, "t");
        p.next();
        p.close();
        int atClose = produced.get();
        // close() returns once the worker has ended: it can produce nothing more.
        assertFalse(worker.get().isAlive(), "the worker still runs after close");
        assertEquals(atClose, produced.get(), "nothing is produced after close");
        assertTrue(atClose < 10_000_000, "the worker stopped early: " + atClose);
    }
}
