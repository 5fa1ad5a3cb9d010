package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.mtrrledger.broker.KafkaEndpoint;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.EngineProgress;
import org.mtrrledger.engine.consume.LedgerEngine;
import org.mtrrledger.engine.consume.StopCondition;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.projections.ledger.PolicyProjection;

/** Runs the engine with the projections over the store of a data directory; SIGTERM stops it cleanly (exit 0). */
final class EngineRunner {
    private EngineRunner() {
    }

    /** Runs the engine until {@code until} says so or a signal stops it, and prints its summary to {@code out}. */
    @SuppressWarnings("try") // the Termination resource only has to be open while the engine runs
    static LedgerEngine.RunSummary run(KafkaEndpoint endpoint, String topic, int partitions, Path storeDir,
            Durability durability, EngineConfig config, StopCondition until, PrintStream out, PrintStream err) {
        TopicAdmin.ensureTopic(endpoint.bootstrap(), topic, partitions);
        LedgerEngine.RunSummary summary;
        PolicyProjection projection = new PolicyProjection();
        try (LedgerStore store = LedgerStore.open(storeDir, OpenMode.PRIMARY, durability, projection.outputs());
                LedgerEngine engine = new LedgerEngine(endpoint.bootstrap(), config, store, new Pipeline(projection));
                Termination signals = Termination.onSignal(engine::stop)) {
            summary = engine.run(until, progress(err));
        }
        printSummary(summary, out);
        out.flush();
        return summary;
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
