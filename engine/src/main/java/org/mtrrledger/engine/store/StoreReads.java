package org.mtrrledger.engine.store;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many native reads a {@link LedgerStore} has made since it was opened: point gets, seeks (each scan's
 * positioning, each floor and each explicit {@link CloseableIterator#seek}) and iterator steps. A read path's cost is
 * the difference of two {@link #snapshot}s around it, so a query's RocksDB work is measured, not guessed. The counts
 * live in memory only and restart at zero with every open.
 */
public final class StoreReads {
    private final LongAdder gets = new LongAdder();
    private final LongAdder seeks = new LongAdder();
    private final LongAdder steps = new LongAdder();

    void get() {
        gets.increment();
    }

    void seek() {
        seeks.increment();
    }

    void step() {
        steps.increment();
    }

    /** The counts now. */
    public Snapshot snapshot() {
        return new Snapshot(gets.sum(), seeks.sum(), steps.sum());
    }

    /** Counts at one moment; {@link #since} gives the reads between two. */
    public record Snapshot(long gets, long seeks, long steps) {
        /** The reads made after {@code earlier}. */
        public Snapshot since(Snapshot earlier) {
            return new Snapshot(gets - earlier.gets, seeks - earlier.seeks, steps - earlier.steps);
        }
    }
}
