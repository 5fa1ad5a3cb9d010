package org.mtrrledger.events.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a UTF-8 file, exactly as {@link java.io.BufferedReader#readLine()} over an
 * {@link java.io.InputStreamReader} with a decoder that replaces malformed input by {@code replacement} reads them,
 * but split on the bytes: a line of ASCII bytes (nearly every line of a log) becomes its String in one copy, and
 * only a line with other bytes goes through the decoder. Lines end at {@code \n}, {@code \r} or {@code \r\n}.
 *
 * <p>Splitting before decoding reads the same text because the bytes 0x0A and 0x0D are never part of a UTF-8
 * sequence, and the JDK's decoder judges a sequence cut short by a line end exactly as one cut short by the end of
 * its input: same replacements, same characters ({@code Utf8LinesPropertiesTest} compares both on random bytes).
 *
 * <p>A line of more than {@code maxLineBytes} bytes (line end excluded) is not returned: {@link #readLine()} throws
 * {@link ParsedLog.LineTooLong} with its length and its first {@value #SHOWN_BYTES} bytes, having read on to its end
 * without keeping the rest, so the buffer never grows past {@code maxLineBytes + 1} bytes whatever the input, and
 * the next call reads the next line.
 */
final class Utf8Lines implements ParsedLog.Lines {
    /** How much of a line over the limit is kept to show it: about what an error message shows of any bad line. */
    static final int SHOWN_BYTES = 240;

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final int maxLineBytes;
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    /** The last line ended with {@code \r}: a {@code \n} right after it belongs to that line end. */
    private boolean skipLf;

    /**
     * A reader whose decoder replaces each malformed sequence with {@code replacement}, with a 64 KiB buffer and
     * lines of at most {@link LogParser#MAX_LINE_BYTES}.
     */
    Utf8Lines(InputStream in, String replacement) {
        this(in, replacement, 1 << 16, LogParser.MAX_LINE_BYTES);
    }

    Utf8Lines(InputStream in, String replacement, int bufferSize, int maxLineBytes) {
        if (maxLineBytes < 1 || maxLineBytes >= Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("line limit " + maxLineBytes + " outside 1.." + (Integer.MAX_VALUE - 9));
        }
        this.in = in;
        this.decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith(replacement);
        this.maxLineBytes = maxLineBytes;
        this.buf = new byte[Math.max(1, Math.min(bufferSize, maxLineBytes + 1))];
    }

    @Override
    public String readLine() throws IOException, ParsedLog.LineTooLong {
        if (skipLf) {
            skipLf = false;
            if (pos == limit && !fill()) {
                return null;
            }
            if (buf[pos] == '\n') {
                pos++;
            }
        }
        int i = pos;
        while (true) {
            for (; i < limit; i++) {
                byte b = buf[i];
                if (b == '\n' || b == '\r') {
                    String line = text(pos, i);
                    pos = i + 1;
                    skipLf = b == '\r';
                    return line;
                }
            }
            int scanned = i - pos;
            if (scanned > maxLineBytes) {
                throw skipRest();
            }
            if (!fill()) {
                if (pos == limit) {
                    return null;
                }
                String line = text(pos, limit);
                pos = limit;
                return line;
            }
            i = pos + scanned;
        }
    }

    /**
     * Reads past the end of a line already over the limit (the buffer holds its unread start and no line end),
     * keeping only the bytes it shows.
     */
    private ParsedLog.LineTooLong skipRest() throws IOException {
        long length = limit - pos;
        int end = Math.min(limit, pos + SHOWN_BYTES);
        while (end > pos && end < limit && (buf[end] & 0xC0) == 0x80) {
            end--; // a sequence the cut would split is left out rather than shown as malformed
        }
        String shown = text(pos, end);
        pos = limit;
        while (fill()) {
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n' || buf[i] == '\r') {
                    skipLf = buf[i] == '\r';
                    length += i - pos;
                    pos = i + 1;
                    return new ParsedLog.LineTooLong(length, maxLineBytes, shown);
                }
            }
            length += limit - pos;
            pos = limit;
        }
        return new ParsedLog.LineTooLong(length, maxLineBytes, shown);
    }

    /**
     * Reads more input after what is buffered, first moving the unread bytes to the front (or growing the buffer if
     * they fill it: {@link #readLine()} asks for more only while they are a line within the limit, so the buffer
     * stays within {@code maxLineBytes + 1}). False at the end of the input.
     */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(2L * buf.length, maxLineBytes + 1L));
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    private String text(int from, int to) throws CharacterCodingException {
        for (int i = from; i < to; i++) {
            if (buf[i] < 0) {
                return decoder.decode(ByteBuffer.wrap(buf, from, to - from)).toString();
            }
        }
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** The size of the buffer now, which whatever the input stays within {@code maxLineBytes + 1}. */
    int capacity() {
        return buf.length;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
