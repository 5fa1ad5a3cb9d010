package org.mtrrledger.events.parse;

/**
 * The one exception a parser throws for bad input (under {@link BadLinePolicy#FAIL}). It is unchecked because events
 * are streamed lazily through {@link java.util.stream.Stream}/{@link java.util.Iterator}, which cannot throw checked
 * exceptions. I/O failures of the underlying file surface as {@link java.io.UncheckedIOException} instead.
 */
public final class LogParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_TEXT = 240;

    private final transient RejectedLine rejected;

    public LogParseException(RejectedLine rejected) {
        super(Printable.escape(rejected.file()) + ":" + rejected.line() + ": " + Printable.escape(rejected.reason())
                + "; offending text: '" + abbreviate(rejected.text()) + "'");
        this.rejected = rejected;
    }

    /** The bad line: file, 1-based line number, verbatim text and reason. */
    public RejectedLine rejected() {
        return rejected;
    }

    /** The text cut to a length fit for one message line, control characters escaped ({@link Printable}). */
    static String abbreviate(String text) {
        return Printable.escape(text, MAX_TEXT);
    }
}
