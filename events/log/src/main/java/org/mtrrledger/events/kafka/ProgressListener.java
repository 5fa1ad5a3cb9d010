package org.mtrrledger.events.kafka;

/**
 * Told how far a {@link EventPublisher#publishFile} has got, for a progress bar. Called on the publishing
 * thread every {@code progressInterval} records and once more with the final count before the commit.
 * The count is of records handed to the producer; the producer buffers at most {@code buffer.memory}
 * (32 MiB) ahead of what the broker has acknowledged, so it tracks real progress closely.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = recordsSent -> { };

    /** @param recordsSent records of the current file handed to the producer so far */
    void onProgress(long recordsSent);
}
