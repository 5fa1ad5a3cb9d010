package org.mtrrledger.events.parse;

/** What a parser does with a line it cannot turn into an event or a known skip. */
public enum BadLinePolicy {
    /** Stop at the first bad line with a {@link LogParseException} naming file:line, the text and what was expected. */
    FAIL,
    /** Keep going; every bad line is collected as a {@link RejectedLine} and counted in {@link ParseStats}. */
    SKIP
}
