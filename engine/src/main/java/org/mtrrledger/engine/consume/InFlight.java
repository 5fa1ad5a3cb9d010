package org.mtrrledger.engine.consume;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One background thread with at most one task in flight: the double buffer behind {@link StoreWrites#pipelined}
 * and {@link FoldStage#pipelined}. {@link #submit} waits for the task before it, so work stays in order and memory
 * bounded; the task's failure is rethrown, unwrapped, by the next {@link #await} or {@link #submit}.
 */
final class InFlight {
    private final ExecutorService thread;
    private Future<?> task;

    InFlight(String threadName) {
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits for the task in flight (rethrowing its failure), then starts {@code next}. */
    void submit(Runnable next) {
        await();
        task = thread.submit(next);
    }

    /** Returns once the task in flight has finished; rethrows its failure, once. */
    void await() {
        Future<?> f = task;
        if (f == null) {
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    // The task already owns its data (a batch with RocksDB, records being folded); returning
                    // before it ends would let the caller read stale offsets. Finish waiting, keep the interrupt.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            task = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Awaits, then stops the thread. */
    void close() {
        try {
            await();
        } finally {
            thread.shutdown();
        }
    }
}
