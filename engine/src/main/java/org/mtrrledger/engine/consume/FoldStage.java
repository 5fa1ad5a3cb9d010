package org.mtrrledger.engine.consume;

import java.util.List;

/**
 * Where {@link LedgerEngine} folds a poll: on its own thread between polls, or on a fold thread while the consumer
 * fetches and parses the next poll. Polls are folded one at a time and in order whichever strategy runs, and
 * {@link #drain} means "everything handed over is folded AND in the store", which is what a rebalance, an idle
 * poll and the end of a run need.
 */
public sealed interface FoldStage extends AutoCloseable permits FoldStage.Inline, FoldStage.Pipelined {

    /** Folds {@code records} (a poll, in log order per partition), now or behind the poll in flight. */
    void submit(List<LogRecord> records);

    /** Returns once every submitted poll is folded and written; rethrows a failed fold or write. */
    void drain();

    /** Drains, then releases the strategy's resources. Idempotent. */
    @Override
    void close();

    /** Folds in the caller's thread. */
    static FoldStage inline(LedgerWriter writer) {
        return new Inline(writer);
    }

    /**
     * Folds on one background thread while the caller polls the next records: the consumer's record parsing
     * (about a fifth of the engine thread in a JFR profile of a 1.1M-event fold) overlaps with the fold. At most
     * one poll is in flight: memory stays at two polls, and a poison record stops the engine one poll later.
     */
    static FoldStage pipelined(LedgerWriter writer) {
        return new Pipelined(writer);
    }

    /** See {@link FoldStage#inline}. */
    final class Inline implements FoldStage {
        private final LedgerWriter writer;

        private Inline(LedgerWriter writer) {
            this.writer = writer;
        }

        @Override
        public void submit(List<LogRecord> records) {
            writer.apply(records);
        }

        @Override
        public void drain() {
            writer.drain();
        }

        @Override
        public void close() {
        }
    }

    /** See {@link FoldStage#pipelined}. */
    final class Pipelined implements FoldStage {
        private final LedgerWriter writer;
        private final InFlight fold = new InFlight("mtrr-fold");

        private Pipelined(LedgerWriter writer) {
            this.writer = writer;
        }

        @Override
        public void submit(List<LogRecord> records) {
            fold.submit(() -> writer.apply(records));
        }

        @Override
        public void drain() {
            try {
                fold.await();
            } catch (RuntimeException | Error e) {
                // Polls folded before a failing one are valid: their batches still go to the store.
                try {
                    writer.drain();
                } catch (RuntimeException | Error also) {
                    e.addSuppressed(also);
                }
                throw e;
            }
            writer.drain();
        }

        @Override
        public void close() {
            try {
                drain();
            } finally {
                fold.close();
            }
        }
    }
}
