package org.mtrrledger.projections.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.EngineProgress;
import org.mtrrledger.engine.consume.LedgerEngine;
import org.mtrrledger.engine.consume.StopCondition;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * {@code mtrr serve}'s process: the engine following the topic in a background thread and the HTTP server, both on
 * one {@link LedgerStore} (opened PRIMARY by the caller, closed by the caller after this). {@link #close()} stops
 * the server, then the engine, and waits for both.
 */
public final class ApiService implements AutoCloseable {
    private final ApiMetrics metrics;
    private final LedgerEngine engine;
    private final ApiServer server;
    private final Thread engineThread;
    private final AtomicReference<Throwable> engineFailure = new AtomicReference<>();
    private volatile LedgerEngine.RunSummary summary;
    private boolean closed;

    private ApiService(String bootstrap, EngineConfig config, LedgerStore store, InetSocketAddress address,
            EngineProgress progress, int metricsVms) throws IOException {
        metrics = new ApiMetrics(metricsVms);
        engine = new LedgerEngine(bootstrap, config, store, new Pipeline(new PolicyProjection()));
        try {
            metrics.watchBroker(engine::brokerProblem);
            server = ApiServer.start(store, address, metrics, metrics::notReady);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
        EngineProgress both = (folded, rate, lag) -> {
            metrics.report(folded, rate, lag);
            progress.report(folded, rate, lag);
        };
        engineThread = new Thread(() -> {
            try {
                summary = engine.run(StopCondition.FOLLOW, both);
            } catch (Throwable t) {
                engineFailure.set(t);
            }
        }, "mtrr-engine");
        engineThread.start();
    }

    /**
     * Starts the engine on {@code bootstrap}/{@code config.topic()} and the server on {@code address} (port 0: any
     * free port).
     *
     * @param progress also told each engine report (e.g. the terminal progress line)
     */
    public static ApiService start(String bootstrap, EngineConfig config, LedgerStore store,
            InetSocketAddress address, EngineProgress progress) throws IOException {
        return start(bootstrap, config, store, address, progress, ApiMetrics.DEFAULT_VM_CAP);
    }

    /** As above, with per-VM metric series for at most {@code metricsVms} VMs (see {@link StoreMetrics}). */
    public static ApiService start(String bootstrap, EngineConfig config, LedgerStore store,
            InetSocketAddress address, EngineProgress progress, int metricsVms) throws IOException {
        return new ApiService(bootstrap, config, store, address, progress, metricsVms);
    }

    public ApiServer server() {
        return server;
    }

    public ApiMetrics metrics() {
        return metrics;
    }

    /** Waits until the engine thread ends (after {@link #close()}, or a failure of the engine). */
    public void awaitEngine() throws InterruptedException {
        engineThread.join();
    }

    /** The engine's failure, if its thread ended with one. */
    public Throwable engineFailure() {
        return engineFailure.get();
    }

    /** The engine's summary once it has stopped cleanly, else null. */
    public LedgerEngine.RunSummary summary() {
        return summary;
    }

    /** Stops the server, then the engine; waits for the engine thread and closes its consumer. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close();
        engine.stop();
        try {
            engineThread.join(20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.close();
    }
}
