package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.EngineProgress;
import org.mtrrledger.engine.consume.LedgerEngine;
import org.mtrrledger.engine.consume.StopCondition;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.kafka.KafkaEndpoint;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.projections.ledger.PolicyProjection;

/** Runs the engine with the projections over the store of a data directory; SIGTERM closes it cleanly. */
final class EngineRunner {
    private EngineRunner() {
    }

    /**
     * Runs the engine and prints its summary to {@code out}. The summary is printed here, before the shutdown hook
     * is released: after SIGTERM the JVM halts as soon as the hook returns, so anything the caller printed after
     * this method returned could be lost or cut off mid-line.
     */
    static LedgerEngine.RunSummary run(KafkaEndpoint endpoint, String topic, int partitions, Path storeDir,
            Durability durability, EngineConfig config, StopCondition until, PrintStream out, PrintStream err) {
        TopicAdmin.ensureTopic(endpoint.bootstrap(), topic, partitions);
        CountDownLatch closed = new CountDownLatch(1);
        LedgerEngine.RunSummary summary = null;
        try {
            try (LedgerStore store = LedgerStore.open(storeDir, OpenMode.PRIMARY, durability);
                    LedgerEngine engine = new LedgerEngine(endpoint.bootstrap(), config, store,
                            new Pipeline(new PolicyProjection()))) {
                Thread hook = new Thread(() -> {
                    engine.stop();
                    try {
                        closed.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "mtrr-engine-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    summary = engine.run(until, progress(err));
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the JVM is exiting: the hook is waiting for `closed`
                    }
                }
            }
            // Store and consumer are closed; print while the hook still holds the JVM.
            printSummary(summary, out);
            out.flush();
            return summary;
        } finally {
            closed.countDown();
        }
    }

    /** Events/s and lag per partition, redrawn in place on a terminal, silent otherwise. */
    static EngineProgress progress(PrintStream err) {
        if (System.console() == null) {
            return EngineProgress.NONE;
        }
        return (folded, rate, lag) -> {
            StringBuilder b = new StringBuilder();
            long total = 0;
            for (Map.Entry<Integer, Long> e : lag.entrySet()) {
                b.append(" p").append(e.getKey()).append('=').append(e.getValue());
                total += e.getValue();
            }
            err.printf("\r\u001b[Kfolded %,d events  %,.0f ev/s  lag %,d%s", folded, rate, total, b);
            err.flush();
        };
    }

    static void printSummary(LedgerEngine.RunSummary s, PrintStream out) {
        if (System.console() != null) {
            System.err.println();
        }
        out.printf("folded %,d events (%,d rejected, or skipped as poison: `mtrr skipped` lists those) from partitions "
                + "%s; next offsets %s%n", s.folded(), s.rejected(), s.partitions(), s.nextOffsets());
    }
}
