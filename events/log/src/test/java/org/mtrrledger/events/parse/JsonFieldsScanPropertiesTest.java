package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtrrledger.events.parse.JsonFields.Name;

/**
 * {@link JsonFields#scan}, the hand-written pass over a line's characters, against the Jackson token pass
 * ({@link JsonFields#stream}) it runs in front of: every line a writer emits without escapes is scanned, and
 * whatever line the scan
 * takes, it holds the same fields in the same order with the same values as the token pass; the whole decoder still
 * judges every line as the tree reference does ({@link JsonLineDecoderEquivalencePropertiesTest#assertSameJudgement}).
 * The lines are built around the scan's edges: whitespace of every kind, escapes, control characters, string
 * lengths at the scan's limits, numbers around the long range, signs, leading zeros, literals with something glued on.
 */
class JsonFieldsScanPropertiesTest {
    private static final String[] SPACES = {"", "", " ", "\t", "  ", "\r", "\n", "\f", "\u000b", "\u00a0", "\u2028"};
    private static final String[] VALUES = {"0", "7", "10", "-0", "-1", "00", "01", "123456789012345678",
        "999999999999999999", "1234567890123456789", "9223372036854775807", "9223372036854775808",
        "18446744073709551615", "99999999999999999999", "1.0", "1e3", "2E-1", "true", "false", "null", "truex", "nul",
        "True", "NaN", "\"\"", "\"0x0\"", "\"0X1f\"", "\"0xffffffffffffffff\"", "\"0x1ffffffffffffffff\"", "\"0x\"",
        "\"12\"", "\"0xffffffff\"", "\"0x100000000\"", "\"0x7fffffffffffffff\"", "\"0x8000000000000000\"",
        "\"0x1g\"", "\"0x\uff11\"", "\"create\"", "\"vm_config\"", "\"msr_write\"", "\"cr0_write\"", "\"dma\"",
        "\"transfer\"", "\"é中\"", "\"a\\u0062\"", "\"\\\"\"", "\"a\\\\\"", "\"tab\there\"", "\"nul\u0000\"",
        "\"del\u007f\"", "\"\ud800\"", "\"" + "x".repeat(64) + "\"", "\"" + "x".repeat(65) + "\"",
        "\"0x" + "0".repeat(62) + "1\"", "\"" + "v".repeat(1024) + "\"", "\"" + "v".repeat(1025) + "\"", "{}", "[]",
        "[1]", "{\"a\":1}", "'s'", "", "\"open"};

    private static String pick(String[] from, Random rnd) {
        return from[rnd.nextInt(from.length)];
    }

    /** A line of up to six fields put together from the edge cases above, sometimes broken at its ends. */
    static String edgeLine(Random rnd) {
        StringBuilder b = new StringBuilder(pick(SPACES, rnd)).append('{');
        int fields = rnd.nextInt(7);
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                b.append(pick(SPACES, rnd)).append(rnd.nextInt(30) == 0 ? "" : ",");
            }
            String name = pick(JsonLineDecoderEquivalencePropertiesTest.NAMES, rnd);
            if (rnd.nextInt(20) == 0) {
                name = name.isEmpty() ? "\\u0076m" : "\\u00" + Integer.toHexString(name.charAt(0)) + name.substring(1);
            }
            b.append(pick(SPACES, rnd)).append('"').append(name).append('"').append(pick(SPACES, rnd))
                    .append(rnd.nextInt(30) == 0 ? "" : ":").append(pick(SPACES, rnd)).append(pick(VALUES, rnd));
        }
        b.append(pick(SPACES, rnd)).append(rnd.nextInt(20) == 0 ? ",}" : "}").append(pick(SPACES, rnd));
        return switch (rnd.nextInt(12)) {
            case 0 -> b + pick(VALUES, rnd);
            case 1 -> b.substring(0, rnd.nextInt(b.length()));
            case 2 -> "\ufeff" + b;
            default -> b.toString();
        };
    }

    /** The scan and the token pass agree: both take the line, with equal fields, or the scan gives it up. */
    static void assertScanHoldsWhatStreamHolds(String line) {
        JsonFields scanned = new JsonFields();
        if (!scanned.scan(line)) {
            return;
        }
        JsonFields streamed = new JsonFields();
        try (JsonParser p = JsonLineDecoder.MAPPER.getFactory().createParser(line)) {
            assertTrue(streamed.stream(p), () -> "the scan took a line the token pass gives up on: " + line);
        } catch (IOException e) {
            throw new AssertionError("the scan took a line Jackson rejects: " + line, e);
        }
        assertEquals(describe(streamed), describe(scanned), () -> "fields of " + line);
    }

    /** The fields in line order with every part of their values the decoder reads. */
    static List<String> describe(JsonFields f) {
        List<String> out = new ArrayList<>();
        int seen = 0;
        for (String name = f.firstNotIn(seen); name != null; name = f.firstNotIn(seen)) {
            Name n = Name.of(name);
            JsonFields.Value v = f.get(n);
            out.add(name + "=" + v.kind + "/" + v.text + "/" + v.hex + "/" + v.number + "/" + v.big + "/" + v.other);
            seen |= n.bit;
        }
        return out;
    }

    @Test
    void shouldScanEveryLineAWriterEmitsWithoutEscapes() {
        qt().withExamples(300).forAll(JsonLineDecoderEquivalencePropertiesTest.writtenLines(20)).checkAssert(lines -> {
            JsonFields fields = new JsonFields();
            for (String line : lines) {
                if (!line.startsWith("#") && line.indexOf('\\') < 0) {
                    assertTrue(fields.scan(line), () -> "not scanned: " + line);
                }
            }
        });
    }

    @Test
    void shouldHoldWhatTheTokenPassHoldsOnWrittenReshapedAndMutatedLines() {
        qt().withExamples(500).forAll(JsonLineDecoderEquivalencePropertiesTest.writtenLines(10), longs().all())
                .checkAssert((lines, seed) -> {
                    Random rnd = new Random(seed);
                    for (String line : lines) {
                        assertScanHoldsWhatStreamHolds(line);
                        assertScanHoldsWhatStreamHolds(JsonLineDecoderEquivalencePropertiesTest.reshape(line, rnd));
                        assertScanHoldsWhatStreamHolds(ParserRobustnessPropertiesTest.mutate(line, seed));
                    }
                });
    }

    @Test
    void shouldHoldWhatTheTokenPassHoldsAndJudgeLikeTheTreeOnEdgeLines() {
        qt().withExamples(2000).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String line = edgeLine(rnd);
                assertScanHoldsWhatStreamHolds(line);
                lines.add(line);
            }
            JsonLineDecoderEquivalencePropertiesTest.assertSameJudgementWithAndWithoutVm(lines);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"vm\":\"a\",\"type\":\"vm_config\"}",
        " \t{ \"vm\" : \"a\" ,\t\"type\":\"vm_config\" , \"maxphyaddr\":46 }\t ",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":9223372036854775807}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":\"0x00000000000000000000000000000000000000000000000000000000000000000000001\"}",
        "{}",
    })
    void shouldScanPlainLines(String line) {
        assertTrue(new JsonFields().scan(line), line);
        assertScanHoldsWhatStreamHolds(line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":9223372036854775808}",
        "{\"vm\":\"a\",\"vcpu\":-0,\"type\":\"cr0_write\",\"value\":0}",
        "{\"vm\":\"a\",\"vcpu\":01,\"type\":\"cr0_write\",\"value\":0}",
        "{\"v\\u006d\":\"a\",\"type\":\"vm_config\"}",
        "{\"vm\":\"a\\u0062\",\"type\":\"vm_config\"}",
        "{\"vm\":\"a\",\"vm\":\"b\",\"type\":\"vm_config\"}",
        "{\"vm\":\"a\",\"type\":\"vm_config\",}",
        "{\"vm\":\"a\",\"type\":\"vm_config\"} x",
        "{\"vm\":\"a\",\"type\":\"vm_config\"}\r",
        "\ufeff{\"vm\":\"a\",\"type\":\"vm_config\"}",
        "{\"vm\":\"a\",\"type\":\"vm_config\",\"tdp_enabled\":truex}",
        "{\"vm\":\"a\",\"type\":\"vm_config\",\"x\":1}",
    })
    void shouldLeaveAnythingElseToTheTokenPass(String line) {
        assertEquals(false, new JsonFields().scan(line), line);
        JsonLineDecoderEquivalencePropertiesTest.assertSameJudgementWithAndWithoutVm(List.of(line));
    }
}
