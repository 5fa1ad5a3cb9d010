package org.mtrrledger.events.kafka;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs a record source (parse + encode) on its own thread, a chunk ahead of the consumer (the producer's send
 * loop), so that on two cores parsing overlaps publishing instead of alternating with it. Order is kept; an
 * exception of the source (a bad line) surfaces at the consumer exactly where it occurred, after the records before
 * it. {@link #close()} stops the worker if the consumer gives up early.
 */
public final class PrefetchingRecords implements Iterator<KeyedRecord>, AutoCloseable {
    private static final int CHUNK = 1024;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(8);
    private final Thread worker;
    private volatile boolean cancelled;
    private Iterator<KeyedRecord> current = List.<KeyedRecord>of().iterator();
    private boolean ended;

    private record Failure(RuntimeException exception) {
    }

    public PrefetchingRecords(Iterator<KeyedRecord> source, String name) {
        worker = new Thread(() -> produce(source), "mtrr-prefetch-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    private void produce(Iterator<KeyedRecord> source) {
        List<KeyedRecord> chunk = new ArrayList<>(CHUNK);
        try {
            try {
                while (!cancelled && source.hasNext()) {
                    chunk.add(source.next());
                    if (chunk.size() == CHUNK) {
                        offer(chunk);
                        chunk = new ArrayList<>(CHUNK);
                    }
                }
            } catch (RuntimeException e) {
                // The records read before the failure go first, then the failure, in its place.
                if (!chunk.isEmpty()) {
                    offer(chunk);
                }
                offer(new Failure(e));
                return;
            }
            if (!chunk.isEmpty()) {
                offer(chunk);
            }
            offer(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void offer(Object item) throws InterruptedException {
        while (!cancelled) {
            if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (ended) {
                return false;
            }
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for parsed records", e);
            }
            if (item == END) {
                ended = true;
                return false;
            }
            if (item instanceof Failure f) {
                ended = true;
                throw f.exception();
            }
            @SuppressWarnings("unchecked")
            List<KeyedRecord> chunk = (List<KeyedRecord>) item;
            current = chunk.iterator();
        }
        return true;
    }

    @Override
    public KeyedRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }

    /** Stops the worker (if still running) and waits for it, so the source can be closed safely afterwards. */
    @Override
    public void close() {
        cancelled = true;
        queue.clear();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
