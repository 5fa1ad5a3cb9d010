package org.mtrrledger.bench;

import java.util.List;
import java.util.Map;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.EngineProgress;
import org.mtrrledger.engine.consume.LedgerEngine;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.consume.StopCondition;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Folded;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.store.OutputSpec;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.projections.ledger.PoliciesState;
import org.mtrrledger.projections.ledger.PolicyMemo;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * Runs the real {@link LedgerEngine} (Pipeline + PolicyProjection, checkpoints every 1000) in a thread and detects
 * "caught up" exactly: the stored next offset of every partition (written in the same RocksDB batch as the folded
 * state) has reached the offset after the topic's last record. This avoids the ~200 ms idle poll that
 * {@link StopCondition#UNTIL_IDLE} needs to notice the end. The projection ({@link Counting}) is PolicyProjection
 * that also timestamps the first event folded and counts steps.
 */
final class EngineHarness implements AutoCloseable {
    static final long CHECKPOINT_EVERY = EngineConfig.DEFAULT_CHECKPOINT_EVERY;

    /**
     * {@link PolicyProjection} plus a step counter and the wall-clock time of the first step; everything else is the
     * wrapped projection's. Counting adds nothing to what the fold or the projection owns.
     */
    static final class Counting implements Projection<PoliciesState, PolicyMemo> {
        private final PolicyProjection delegate = new PolicyProjection();
        volatile long firstStepNanos = -1;
        volatile long firstStepEpochNanos = -1;
        volatile long steps;

        @Override
        public Class<PoliciesState> stateType() {
            return delegate.stateType();
        }

        @Override
        public PoliciesState initial(String vm) {
            return delegate.initial(vm);
        }

        @Override
        public PoliciesState decode(byte[] bytes) {
            return delegate.decode(bytes);
        }

        @Override
        public List<OutputSpec<?>> outputs() {
            return delegate.outputs();
        }

        @Override
        public PolicyMemo newMemo() {
            return delegate.newMemo();
        }

        @Override
        public List<ProjectionRecord> project(PoliciesState state, PolicyMemo memo, Folded folded, EventRef ref,
                MtrrEvent event) {
            List<ProjectionRecord> out = delegate.project(state, memo, folded, ref, event);
            if (steps == 0) {
                firstStepNanos = System.nanoTime();
                java.time.Instant now = java.time.Instant.now();
                firstStepEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }
            steps++;
            return out;
        }

        @Override
        public void settle(PoliciesState state, PolicyMemo memo) {
            delegate.settle(state, memo);
        }
    }

    final Counting projection = new Counting();
    final LedgerEngine engine;
    private final LedgerStore store;
    private final String topic;
    private final Thread thread;
    private volatile Throwable failure;
    private volatile LedgerEngine.RunSummary summary;
    private volatile boolean stopping;
    /** Whether stop()'s wakeup escaped from run() as a WakeupException (an engine bug, see constructor). */
    volatile boolean wakeupEscaped;

    EngineHarness(String bootstrap, String topic, String group, LedgerStore store) {
        this.store = store;
        this.topic = topic;
        this.engine = new LedgerEngine(bootstrap, new EngineConfig(topic, group, CHECKPOINT_EVERY, PoisonPolicy.FAIL),
                store, new Pipeline(projection));
        this.thread = new Thread(() -> {
            try {
                summary = engine.run(StopCondition.FOLLOW, EngineProgress.NONE);
            } catch (org.apache.kafka.common.errors.WakeupException w) {
                // LedgerEngine.stop() wakes the consumer up; when that lands in run()'s endOffsets/lag() call
                // instead of in poll(), the WakeupException escapes run(). Seen while benchmarking; reported.
                if (!stopping) {
                    failure = w;
                }
                wakeupEscaped = true;
            } catch (Throwable t) {
                failure = t;
            }
        }, "bench-engine");
    }

    void start() {
        thread.start();
    }

    /** Blocks until the store holds every partition's target next offset; returns System.nanoTime() then. */
    long awaitStored(Map<Integer, Long> targets, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            if (failure != null) {
                throw new IllegalStateException("engine failed: " + failure, failure);
            }
            if (caughtUp(targets)) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("engine did not catch up with " + targets + " in time; folded "
                        + projection.steps);
            }
            Thread.sleep(1);
        }
    }

    /** Blocks until the first event has been folded; returns its System.nanoTime(). */
    long awaitFirstStep(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (projection.firstStepNanos < 0) {
            if (failure != null) {
                throw new IllegalStateException("engine failed: " + failure, failure);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("engine folded nothing in time");
            }
            Thread.sleep(0, 200_000);
        }
        return projection.firstStepNanos;
    }

    private boolean caughtUp(Map<Integer, Long> targets) {
        for (Map.Entry<Integer, Long> e : targets.entrySet()) {
            if (e.getValue() <= 0) {
                continue;
            }
            long stored = store.meta().nextOffset(topic, e.getKey()).orElse(0L);
            if (stored < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Stops the engine loop and waits for it. */
    LedgerEngine.RunSummary stop() throws InterruptedException {
        stopping = true;
        engine.stop();
        thread.join();
        if (failure != null) {
            throw new IllegalStateException("engine failed: " + failure, failure);
        }
        return summary;
    }

    @Override
    public void close() {
        engine.close();
    }
}
