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
 */
final class Utf8Lines implements ParsedLog.Lines {
    /** The largest array the JVM reliably allocates (as {@code ArraysSupport.SOFT_MAX_ARRAY_LENGTH}). */
    static final int MAX_BUFFER = Integer.MAX_VALUE - 8;

    private final InputStream in;
    private final CharsetDecoder decoder;
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    /** The last line ended with {@code \r}: a {@code \n} right after it belongs to that line end. */
    private boolean skipLf;

    /** A reader whose decoder replaces each malformed sequence with {@code replacement}, with a 64 KiB buffer. */
    Utf8Lines(InputStream in, String replacement) {
        this(in, replacement, 1 << 16);
    }

    Utf8Lines(InputStream in, String replacement, int bufferSize) {
        this.in = in;
        this.decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith(replacement);
        this.buf = new byte[Math.max(1, bufferSize)];
    }

    @Override
    public String readLine() throws IOException {
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
     * Reads more input after what is buffered, first moving the unread bytes to the front (or growing the buffer if
     * they fill it). False at the end of the input.
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
            // Doubling past the largest array Java allows would overflow into a negative size.
            int grown = (int) Math.min(2L * buf.length, MAX_BUFFER);
            if (grown == buf.length) {
                throw new IOException("a line longer than " + MAX_BUFFER + " bytes");
            }
            buf = Arrays.copyOf(buf, grown);
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

    @Override
    public void close() throws IOException {
        in.close();
    }
}
