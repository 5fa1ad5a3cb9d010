package org.mtrrledger.events.kafka;

/**
 * Result of {@link EventPublisher#publishFile}: either the file was published now, or it had been published
 * before (same SHA-256) and nothing was written.
 */
public sealed interface PublishOutcome permits PublishOutcome.Published, PublishOutcome.AlreadyIngested {

    /** The ledger entry: of this publish for {@link Published}, of the earlier one for {@link AlreadyIngested}. */
    IngestSummary summary();

    /** The file's events and its ledger record were committed in one transaction. */
    record Published(IngestSummary summary) implements PublishOutcome {
    }

    /** The ledger already had this digest; nothing was published. {@link #summary()} is the earlier ingest. */
    record AlreadyIngested(IngestSummary summary) implements PublishOutcome {
    }
}
