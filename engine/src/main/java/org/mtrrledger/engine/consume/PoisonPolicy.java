package org.mtrrledger.engine.consume;

/** What the engine does with a record it cannot decode (unknown schema fingerprint, corrupt body, foreign data). */
public enum PoisonPolicy {
    /** Stop with an error naming topic/partition/offset; nothing of the failing poll is written. */
    FAIL,
    /** Record the offset in the event index with a "rejected: undecodable" outcome and go on. */
    SKIP
}
