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
        super(rejected.file() + ":" + rejected.line() + ": " + rejected.reason()
                + "; offending text: '" + abbreviate(rejected.text()) + "'");
        this.rejected = rejected;
    }

    /** The bad line: file, 1-based line number, verbatim text and reason. */
    public RejectedLine rejected() {
        return rejected;
    }

    static String abbreviate(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…(" + text.length() + " chars)";
    }
}
