package org.mtrrledger.events.parse;

/**
 * Text from a log or a record, made safe to echo to a terminal or write into a one-line report: control characters
 * (C0, DEL, C1, which include the terminal's escape and CSI introducers) become {@code \xNN}, an unpaired surrogate
 * (what a malformed UTF-8 sequence reads as, see {@link JsonLinesParser}) {@code \\uNNNN}, and long text is cut.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code text} escaped, in full. */
    public static String escape(String text) {
        return escape(text, Integer.MAX_VALUE);
    }

    /** {@code text} escaped, cut after about {@code maxChars} characters with a note of its full length. */
    public static String escape(String text, int maxChars) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), maxChars) + 16);
        int i = 0;
        for (; i < text.length() && i < maxChars; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                b.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return i < text.length() ? b.append("…(").append(text.length()).append(" chars)").toString() : b.toString();
    }
}
