package org.mtrrledger.engine.consume;

/** When {@link LedgerEngine#run} returns. */
public enum StopCondition {
    /** Follow the topic until {@link LedgerEngine#stop()} (SIGTERM, Ctrl-C). */
    FOLLOW,
    /** Return once every assigned partition is caught up with its last committed record. */
    UNTIL_IDLE
}
