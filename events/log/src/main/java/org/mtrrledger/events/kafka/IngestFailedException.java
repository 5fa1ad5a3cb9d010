package org.mtrrledger.events.kafka;

/**
 * A file could not be published. Its transaction was aborted (or, if the producer failed fatally, will be
 * aborted by the broker when the next producer with the same {@code transactional.id} starts), so none of
 * its records are visible to {@code read_committed} consumers. The cause is the original failure, e.g. the
 * parser's exception thrown from the record iterator.
 */
public final class IngestFailedException extends RuntimeException {

    private final String label;
    private final long recordsSent;

    IngestFailedException(String message, String label, long recordsSent, Throwable cause) {
        super(message, cause);
        this.label = label;
        this.recordsSent = recordsSent;
    }

    /** The label of the file that failed. */
    public String label() {
        return label;
    }

    /** How many records had been handed to the producer before the failure (all discarded). */
    public long recordsSent() {
        return recordsSent;
    }
}
