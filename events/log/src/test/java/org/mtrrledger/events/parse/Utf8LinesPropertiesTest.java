package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link Utf8Lines} reads every input as {@link BufferedReader#readLine()} over an {@link InputStreamReader} with
 * the same replacing decoder does: the same lines, character for character, for bytes mixing line ends, ASCII,
 * valid and cut-short multi-byte sequences and bytes that are never UTF-8, with buffers small enough that lines,
 * sequences and {@code \r\n} pairs straddle refills. A line over the limit is reported in its place, by its length
 * in bytes, and the lines around it read as they would without it.
 */
class Utf8LinesPropertiesTest {
    /** Fragments in hex: line ends, ASCII, valid sequences of 2-4 bytes, cut-short and invalid ones. */
    private static final String[] FRAGMENTS = {"0a", "0d", "0d0a", "0a0d", "61", "7b22", "20", "09", "c3a9",
        "e4b8ad", "f09f9880", "efbbbf", "c3", "e4b8", "f09f98", "e4", "f0", "80", "bf", "c080", "c1bf", "e08080",
        "eda080", "edbfbf", "f4908080", "f8", "fe", "ff", "c30a", "e4b80d", "f09f0a"};

    static Gen<byte[]> inputs() {
        return lists().of(Generate.pick(List.of(FRAGMENTS))).ofSizeBetween(0, 60).map(parts -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String p : parts) {
                out.writeBytes(HexFormat.of().parseHex(p));
            }
            return out.toByteArray();
        });
    }

    static List<String> byReader(byte[] input, String replacement) {
        var utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith(replacement);
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(input), utf8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    static List<String> byUtf8Lines(byte[] input, String replacement, int bufferSize) {
        return byUtf8Lines(input, replacement, bufferSize, LogParser.MAX_LINE_BYTES);
    }

    /** The lines, each line over {@code maxLineBytes} as {@code TOO LONG: <its message>}. */
    static List<String> byUtf8Lines(byte[] input, String replacement, int bufferSize, int maxLineBytes) {
        List<String> lines = new ArrayList<>();
        try (Utf8Lines r = new Utf8Lines(new ByteArrayInputStream(input), replacement, bufferSize, maxLineBytes)) {
            while (true) {
                try {
                    String line = r.readLine();
                    if (line == null) {
                        return lines;
                    }
                    lines.add(line);
                } catch (ParsedLog.LineTooLong e) {
                    lines.add("TOO LONG: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The byte length of each line of {@code input} as the reader splits it (a last line needs no line end). */
    static List<Integer> lineLengths(byte[] input) {
        List<Integer> lengths = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < input.length; i++) {
            if (input[i] == '\n' || input[i] == '\r') {
                lengths.add(i - start);
                if (input[i] == '\r' && i + 1 < input.length && input[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < input.length) {
            lengths.add(input.length - start);
        }
        return lengths;
    }

    /** What {@link #byUtf8Lines(byte[], String, int, int)} should read: the reader's lines, the long ones replaced. */
    static List<String> expected(byte[] input, String replacement, int maxLineBytes) {
        List<String> lines = byReader(input, replacement);
        List<Integer> lengths = lineLengths(input);
        assertEquals(lines.size(), lengths.size(), () -> HexFormat.of().formatHex(input));
        for (int i = 0; i < lines.size(); i++) {
            if (lengths.get(i) > maxLineBytes) {
                lines.set(i, "TOO LONG: line of " + lengths.get(i) + " bytes exceeds the limit of " + maxLineBytes
                        + " bytes (only its start is shown)");
            }
        }
        return lines;
    }

    @Test
    void shouldReadTheLinesTheReaderReadsWhateverTheBufferSize() {
        qt().withExamples(3000).forAll(inputs(), integers().between(1, 40)).checkAssert((input, size) -> {
            for (String replacement : new String[] {String.valueOf(JsonLinesParser.MALFORMED), "\ufffd"}) {
                List<String> expected = byReader(input, replacement);
                assertEquals(expected, byUtf8Lines(input, replacement, size), () -> HexFormat.of().formatHex(input));
                assertEquals(expected, byUtf8Lines(input, replacement, 1 << 16));
            }
        });
    }

    @Test
    void shouldReportEachLineOverTheLimitInItsPlaceAndReadTheOthersAsTheReaderDoes() {
        qt().withExamples(3000).forAll(inputs(), integers().between(1, 40), integers().between(1, 12))
                .checkAssert((input, size, max) -> {
                    for (String replacement : new String[] {String.valueOf(JsonLinesParser.MALFORMED), "\ufffd"}) {
                        assertEquals(expected(input, replacement, max), byUtf8Lines(input, replacement, size, max),
                                () -> HexFormat.of().formatHex(input) + " buffer " + size + " limit " + max);
                    }
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"616263", "6162630a", "6162630d", "6162630d0a", "6162630d0a0d0a", "616263640d0a6162",
        "61626364650d0a0d", "0d0a6162636465666768690d0a61", "616263646566676869e4b8ad0a6162", "61620d61626364"})
    void shouldAcceptALineAtTheLimitAndSkipOneOverItWithItsLineEnd(String hex) {
        byte[] input = HexFormat.of().parseHex(hex);
        for (int size = 1; size <= 6; size++) {
            assertEquals(expected(input, "\ufffd", 3), byUtf8Lines(input, "\ufffd", size, 3), hex + " buffer " + size);
        }
    }

    @Test
    void shouldShowTheStartOfALineOverTheLimitWithoutCuttingACharacter() throws Exception {
        byte[] line = ("a".repeat(Utf8Lines.SHOWN_BYTES - 1) + "\u00e9" + "b".repeat(5000) + "\nnext\n")
                .getBytes(StandardCharsets.UTF_8);
        try (Utf8Lines r = new Utf8Lines(new ByteArrayInputStream(line), "\ufffd", 64, 1000)) {
            ParsedLog.LineTooLong e = assertThrows(ParsedLog.LineTooLong.class, r::readLine);
            assertEquals("a".repeat(Utf8Lines.SHOWN_BYTES - 1), e.shown);
            assertEquals("line of 5241 bytes exceeds the limit of 1000 bytes (only its start is shown)", e.getMessage());
            assertEquals("next", r.readLine());
        }
    }

    @Test
    @Timeout(60)
    void shouldReadPastAHugeLineWithoutBufferingIt() throws Exception {
        long huge = 3L << 30; // longer than any array: buffering it would fail whatever the heap
        InputStream input = new SequenceInputStream(new InputStream() {
            private long left = huge;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        }, new ByteArrayInputStream("\r\nnext\r\n".getBytes(StandardCharsets.US_ASCII)));
        try (Utf8Lines r = new Utf8Lines(input, "\ufffd")) {
            ParsedLog.LineTooLong e = assertThrows(ParsedLog.LineTooLong.class, r::readLine);
            assertEquals("line of " + huge + " bytes exceeds the limit of " + LogParser.MAX_LINE_BYTES
                    + " bytes (only its start is shown)", e.getMessage());
            assertEquals("next", r.readLine());
            assertNull(r.readLine());
            assertTrue(r.capacity() <= LogParser.MAX_LINE_BYTES + 1, "buffer of " + r.capacity());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0a", "0d", "0d0a", "610d", "610d0a62", "0a0a0d0d", "e4b8", "e4b80a",
        "f09f98", "c3a9e4b8adf09f9880", "efbbbf7b7d0a"})
    void shouldReadEdgeInputsAsTheReaderDoes(String hex) {
        byte[] input = HexFormat.of().parseHex(hex);
        for (int size = 1; size <= 4; size++) {
            assertEquals(byReader(input, "\ufffd"), byUtf8Lines(input, "\ufffd", size), hex + " buffer " + size);
        }
    }
}
