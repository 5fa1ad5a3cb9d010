package org.mtrrledger.events.parse;

/**
 * Internal control flow of the decoders: thrown deep inside field parsing, caught at the line boundary and turned
 * into a {@link LineResult.Reject}. Stackless because SKIP mode may see millions of them.
 */
final class BadLine extends Exception {
    private static final long serialVersionUID = 1L;

    BadLine(String reason) {
        super(reason, null, false, false);
    }
}
