package org.mtrrledger.events.parse;

/**
 * Internal control flow of the decoders: thrown deep inside field parsing, caught at the line boundary and turned
 * into a {@link LineResult.Reject}. Stackless because SKIP mode may see millions of them.
 */
final class BadLine extends Exception {
    private static final long serialVersionUID = 1L;

    /** The line shows the whole file cannot be read faithfully: {@link LineResult.Refuse}, not a skippable line. */
    final boolean wholeFile;

    BadLine(String reason) {
        this(reason, false);
    }

    private BadLine(String reason, boolean wholeFile) {
        super(reason, null, false, false);
        this.wholeFile = wholeFile;
    }

    static BadLine refusal(String reason) {
        return new BadLine(reason, true);
    }
}
