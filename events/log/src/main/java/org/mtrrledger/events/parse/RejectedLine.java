package org.mtrrledger.events.parse;

/**
 * A line a parser refused under {@link BadLinePolicy#SKIP}.
 *
 * @param file   the file name as given to the parser
 * @param line   1-based line number
 * @param text   the offending line, verbatim (escape it with {@link Printable} before echoing it)
 * @param reason what was wrong and what was expected
 */
public record RejectedLine(String file, long line, String text, String reason) {
    /** One line of a reject report: {@code file:line: reason: text}, the whole text, control characters escaped. */
    public String reportLine() {
        return Printable.escape(file) + ":" + line + ": " + Printable.escape(reason) + ": " + Printable.escape(text);
    }

    @Override
    public String toString() {
        return Printable.escape(file) + ":" + line + ": " + Printable.escape(reason) + ": '"
                + LogParseException.abbreviate(text) + "'";
    }
}
