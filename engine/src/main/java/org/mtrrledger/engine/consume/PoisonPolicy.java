package org.mtrrledger.engine.consume;

/**
 * What the engine does with a record it cannot fold: too big, undecodable (unknown schema fingerprint, corrupt body,
 * foreign data), an event breaking {@link org.mtrrledger.events.parse.EventRules}, or a VM's event on another
 * partition than its VM id's (see {@link LedgerWriter}).
 */
public enum PoisonPolicy {
    /** Stop with an error naming topic/partition/offset and the reason; nothing of the failing poll is written. */
    FAIL,
    /** List the record in the store's {@code SKIPPED} column with the reason, and fold every other record. */
    SKIP
}
