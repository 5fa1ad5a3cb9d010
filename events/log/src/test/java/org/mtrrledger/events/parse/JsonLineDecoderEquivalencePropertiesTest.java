package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.testing.Gens;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The streaming {@link JsonLineDecoder} must judge every line as the tree-based reference decoder
 * ({@link TreeJsonLineDecoder}) does: the same events, byte for byte once Avro-encoded, and the same rejection
 * reasons, word for word. Lines go through one decoder of each kind in sequence, so state left over from one line
 * would show on the next.
 */
class JsonLineDecoderEquivalencePropertiesTest {
    /** Field names: every one the grammar knows, near misses, and the empty name. */
    static final String[] NAMES = {"vm", "type", "ts_ns", "maxphyaddr", "guest_has_mtrr", "tdp_enabled",
        "quirk_cd_nw_cleared", "vcpu", "op", "cr0", "msr", "value", "host_initiated", "gp", "gpa", "len", "device",
        "direction", "valeu", "VM", "x", "", "vm "};

    /** Raw JSON values (and some non-JSON): every kind, each range edge, odd hex, escapes, nesting, duplicates. */
    static final String[] VALUES = {"\"zz\"", "-1", "-0", "0", "1", "3", "11", "12", "46", "52", "53", "1023", "1024",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "-9223372036854775809", "4294967295", "4294967296", "1.5", "1e3", "-0.0", "1E400", "true", "false", "null",
        "{}", "[]", "{\"a\":1,\"a\":2}", "[1,{\"b\":[],\"b\":0}]", "{\"v\":{\"w\":1.5}}", "\"\"", "\"0x\"", "\"0x0\"",
        "\"0X2FF\"", "\"0x00000000000000000000ff\"", "\"0xffffffffffffffff\"", "\"0x1ffffffffffffffff\"",
        "\"0x100000000\"", "\"0xffffffff\"", "\"0x7fffffffffffffff\"", "\"0x8000000000000000\"", "\"0xg\"",
        "\"0x-1\"", "\"12\"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\t\\\"\\\\\"", "\"é中\"", "\"a\u0001b\"",
        "\"create\"", "\"online\"", "\"reset\"", "\"transfer\"", "\"noncoherent_register\"",
        "\"noncoherent_unregister\"", "\"to_device\"", "\"bidirectional\"", "\"sideways\"", "\"vm_config\"",
        "\"vcpu\"", "\"msr_write\"", "\"cr0_write\"", "\"dma\"", "01", "+1", "NaN", "tru", "\"unterminated", "\"\\q\"",
        "[1,", "{\"a\"}", "0x10"};

    static final String[] TRAILERS = {" x", " {}", " 1", " null", ",", "}", " \"s\"", " /* c */", "\t", "  "};

    /** The JSON Lines of 1 to {@code maxEvents} random events. */
    static Gen<List<String>> writtenLines(int maxEvents) {
        return lists().of(EventGens.events()).ofSizeBetween(1, maxEvents)
                .map(events -> List.of(RoundTripPropertiesTest.write(LogFormat.JSONL, events).split("\n")));
    }

    static Gen<String> garbage() {
        return Generate.oneOf(Gens.utf16(200), Gens.over("{}[]\":,0x1aé \\-.etrunl", 0, 80));
    }

    /** Decodes {@code lines} in order with one decoder of each kind and asserts they agree on every line. */
    static void assertSameJudgement(List<String> lines, ParseOptions options) {
        LineDecoder streaming = new JsonLineDecoder(options);
        LineDecoder tree = new TreeJsonLineDecoder(options);
        EventCodec codec = new EventCodec();
        for (String line : lines) {
            LineResult expected = tree.decode(line);
            LineResult actual = streaming.decode(line);
            assertEquals(expected, actual, () -> "line " + line);
            if (expected instanceof LineResult.Emit e && actual instanceof LineResult.Emit a) {
                assertArrayEquals(codec.encode(e.event()), codec.encode(a.event()), () -> "encoding of " + line);
            }
        }
    }

    static void assertSameJudgementWithAndWithoutVm(List<String> lines) {
        assertSameJudgement(lines, ParseOptions.DEFAULTS);
        assertSameJudgement(lines, ParseOptions.DEFAULTS.withVm("vm-override"));
    }

    /**
     * Rebuilds a line from its fields after random structural edits: reordering, dropping, repeating or renaming a
     * field, swapping a value for another raw value, adding unknown fields, then maybe trailing text or a cut.
     */
    static String reshape(String line, Random rnd) {
        JsonNode tree;
        try {
            tree = TreeJsonLineDecoder.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String[]> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : tree.properties()) {
            fields.add(new String[] {e.getKey(), e.getValue().toString()});
        }
        int edits = rnd.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = rnd.nextInt(fields.size() + 1);
            String[] some = fields.isEmpty() ? new String[] {"vm", "\"v\""}
                    : fields.get(rnd.nextInt(fields.size())).clone();
            switch (rnd.nextInt(6)) {
                case 0 -> Collections.shuffle(fields, rnd);
                case 1 -> {
                    if (!fields.isEmpty()) {
                        fields.remove(rnd.nextInt(fields.size()));
                    }
                }
                case 2 -> fields.add(at, some);
                case 3 -> fields.add(at, new String[] {some[0], pick(VALUES, rnd)});
                case 4 -> fields.add(at, new String[] {pick(NAMES, rnd), pick(VALUES, rnd)});
                default -> {
                    if (!fields.isEmpty()) {
                        fields.get(rnd.nextInt(fields.size()))[1] = pick(VALUES, rnd);
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder("{");
        for (String[] f : fields) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"').append(f[0]).append("\":").append(f[1]);
        }
        b.append('}');
        return switch (rnd.nextInt(8)) {
            case 0 -> b + pick(TRAILERS, rnd);
            case 1 -> b.substring(0, rnd.nextInt(b.length()));
            case 2 -> " \t" + b;
            default -> b.toString();
        };
    }

    private static String pick(String[] from, Random rnd) {
        return from[rnd.nextInt(from.length)];
    }

    @Test
    void shouldDecodeWrittenLinesLikeTheTreeDecoder() {
        qt().withExamples(300).forAll(writtenLines(20))
                .checkAssert(JsonLineDecoderEquivalencePropertiesTest::assertSameJudgementWithAndWithoutVm);
    }

    @Test
    void shouldJudgeReshapedLinesLikeTheTreeDecoder() {
        qt().withExamples(1000).forAll(writtenLines(20), longs().all()).checkAssert((lines, seed) -> {
            Random rnd = new Random(seed);
            List<String> reshaped = new ArrayList<>();
            for (String line : lines) {
                reshaped.add(reshape(line, rnd));
                reshaped.add(line);
            }
            assertSameJudgementWithAndWithoutVm(reshaped);
        });
    }

    @Test
    void shouldJudgeMutatedLinesLikeTheTreeDecoder() {
        qt().withExamples(1000).forAll(writtenLines(5), longs().all()).checkAssert((lines, seed) -> {
            List<String> mutated = new ArrayList<>();
            long s = seed;
            for (String line : lines) {
                mutated.add(ParserRobustnessPropertiesTest.mutate(line, s++));
            }
            assertSameJudgementWithAndWithoutVm(mutated);
        });
    }

    @Test
    void shouldJudgeRandomTextLikeTheTreeDecoder() {
        qt().withExamples(500).forAll(garbage()).checkAssert(text ->
                assertSameJudgementWithAndWithoutVm(List.of(text, "{" + text, "{\"vm\":\"v\"," + text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // a duplicate name followed by a broken colon or value: the tree reports the duplicate first
        "{\"vm\":\"a\",\"vm\"x",
        "{\"vm\":\"a\",\"vm\":-}",
        "{\"vm\":\"a\",\"type\":\"vm_config\",\"vm\":01}",
        // duplicates of unknown names and inside nested values of unknown and known fields
        "{\"x\":1,\"x\":2,\"vm\":\"a\",\"type\":\"vm_config\"}",
        "{\"vm\":\"a\",\"type\":\"vm_config\",\"x\":{\"b\":1,\"b\":2}}",
        "{\"vm\":\"a\",\"type\":\"vm_config\",\"gp\":[{\"b\":1,\"b\":2}]}",
        // trailing tokens of every kind, and bad JSON after them
        "{\"vm\":\"a\",\"type\":\"vm_config\"} {}",
        "{\"vm\":\"a\",\"type\":\"vm_config\"} [",
        "{\"vm\":\"a\",\"type\":\"vm_config\"}}",
        // non-objects, and values a good line never has
        "[1,2]", "null", "\"s\"", "12", "true",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":1.0}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":{\"v\":1}}",
        "{\"vm\":\"a\",\"type\":\"vm_config\",\"tdp_enabled\":\"true\"}",
        "{\"vm\":\"a\",\"type\":\"vm_config\",\"tdp_enabled\":1e400}",
        "{\"vm\":[\"a\"],\"type\":\"vm_config\"}",
        "{\"vm\":\"a\",\"type\":null}",
        // numbers at the edges, as integers and as hex
        "{\"vm\":\"a\",\"vcpu\":-0,\"type\":\"cr0_write\",\"value\":18446744073709551615}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":18446744073709551616}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":-9223372036854775809}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"msr_write\",\"msr\":4294967296,\"value\":\"0x0\"}",
        "{\"vm\":\"a\",\"vcpu\":0,\"ts_ns\":9223372036854775808,\"type\":\"cr0_write\",\"value\":\"0x0\"}",
        "{\"vm\":\"a\",\"vcpu\":0,\"ts_ns\":\"0x8000000000000000\",\"type\":\"cr0_write\",\"value\":\"0x0\"}",
        "{\"vm\":\"a\",\"vcpu\":\"0x0000000000000000000003ff\",\"type\":\"cr0_write\",\"value\":\"0X1F\"}",
        // several faults: the first check in the reference's order wins
        "{\"vm\":\"\",\"vcpu\":5000,\"type\":\"cr0_write\",\"value\":\"zz\"}",
        "{\"x\":1,\"type\":\"dma\",\"op\":\"sideways\"}",
        "{\"op\":\"transfer\",\"type\":\"dma\",\"vcpu\":1,\"gpa\":\"0x0\",\"len\":0}",
        "{\"vm\":\"a\",\"type\":\"dma\",\"op\":\"noncoherent_unregister\",\"device\":\"\",\"gpa\":1}",
        "{\"type\":\"vcpu\",\"op\":\"create\",\"vm\":\"a\"}",
        "  {\"vm\":\"a\",\"type\":\"vm_config\"}  ",
        "   # a comment", "\t", "",
    })
    void shouldJudgeTrickyLinesLikeTheTreeDecoder(String line) {
        assertSameJudgementWithAndWithoutVm(List.of(line));
    }
}
