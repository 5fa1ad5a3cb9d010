package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link Utf8Lines} reads every input as {@link BufferedReader#readLine()} over an {@link InputStreamReader} with
 * the same replacing decoder does: the same lines, character for character, for bytes mixing line ends, ASCII,
 * valid and cut-short multi-byte sequences and bytes that are never UTF-8, with buffers small enough that lines,
 * sequences and {@code \r\n} pairs straddle refills.
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
        List<String> lines = new ArrayList<>();
        try (Utf8Lines r = new Utf8Lines(new ByteArrayInputStream(input), replacement, bufferSize)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
