package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.Map;
import org.mtrrledger.broker.KafkaEndpoint;
import org.mtrrledger.engine.consume.EngineProgress;
import org.mtrrledger.engine.consume.LedgerEngine;
import org.mtrrledger.engine.consume.StopCondition;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.projections.ledger.PolicyProjection;

/** Runs the engine with the projections over the store of a data directory; SIGTERM stops it cleanly (exit 0). */
final class EngineRunner {
    private EngineRunner() {
    }

    /**
     * Runs the engine over {@code data}'s store on {@code kafka}'s topic (created if missing) through {@code endpoint},
     * folding as {@code engine} says, until {@code until} says so or a signal stops it; prints its progress to stderr
     * and its summary to stdout.
     */
    @SuppressWarnings("try") // the Termination resource only has to be open while the engine runs
    static void run(KafkaEndpoint endpoint, KafkaOptions kafka, DataOptions data, EngineOptions engine,
            StopCondition until) {
        TopicAdmin.ensureTopic(endpoint.bootstrap(), kafka.topic(), kafka.partitions);
        LedgerEngine.RunSummary summary;
        PolicyProjection projection = new PolicyProjection();
        try (LedgerStore store = LedgerStore.open(data.storeDir(), OpenMode.PRIMARY, engine.durability,
                projection.outputs());
                LedgerEngine running = new LedgerEngine(endpoint.bootstrap(), engine.config(kafka), store,
                        new Pipeline(projection));
                Termination signals = Termination.onSignal(running::stop)) {
            summary = running.run(until, progress(System.err));
        }
        printSummary(summary, System.out);
        System.out.flush();
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
