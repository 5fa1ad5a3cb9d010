package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.testing.Gens;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Garbage and mutated lines must only ever produce events that obey {@link EventRules}, skips, or rejections; the
 * only exception a parser may throw is {@link LogParseException} (under FAIL).
 */
class ParserRobustnessPropertiesTest {
    static final String VALID_FTRACE_LINES = String.join("\n",
            FtraceParserTest.JON_DORON_FTRACE_4FLAGS, FtraceParserTest.KRAUSE_FTRACE_5FLAGS_CR,
            FtraceParserTest.ZHADCHENKO_FTRACE_7FLAGS, FtraceParserTest.KUZNETSOV_TRACE_CMD_GP,
            FtraceParserTest.PERF_SCRIPT,
            "# mtrr: vcpu 0 create cr0=0x60000010",
            "# mtrr: dma transfer gpa=0x80000000 len=0x1000 device=0000:01:00.0 dir=to_device");

    /** The last line of either writer's output for one random event, or one of the real trace samples. */
    static Gen<String> validLines() {
        Gen<String> written = EventGens.events().map(e -> {
            LogFormat format = (e.hashCode() & 1) == 0 ? LogFormat.JSONL : LogFormat.FTRACE;
            String[] lines = RoundTripPropertiesTest.write(format, List.of(e)).split("\n");
            return lines[lines.length - 1];
        });
        return Generate.oneOf(written, arbitrary().pick(VALID_FTRACE_LINES.split("\n")));
    }

    static String mutate(String line, long seed) {
        Random rnd = new Random(seed);
        StringBuilder b = new StringBuilder(line);
        int edits = 1 + rnd.nextInt(4);
        String alphabet = "0123456789abcdefxX=:-[]{}\" ,.#()GP\u0000\u00e9\t";
        for (int i = 0; i < edits; i++) {
            int at = b.length() == 0 ? 0 : rnd.nextInt(b.length());
            char c = alphabet.charAt(rnd.nextInt(alphabet.length()));
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    if (b.length() > 0) {
                        b.setCharAt(at, c);
                    }
                }
                case 1 -> {
                    if (b.length() > 0) {
                        b.deleteCharAt(at);
                    }
                }
                default -> b.insert(at, c);
            }
        }
        return b.toString();
    }

    static void assertParsesSafely(String text) {
        for (LogFormat format : LogFormat.values()) {
            try (ParsedLog log = LogParser.forFormat(format).open("fuzz", new StringReader(text),
                    ParseOptions.DEFAULTS.withPolicy(BadLinePolicy.SKIP))) {
                for (MtrrEvent e : log.readAll()) {
                    assertEquals(java.util.Optional.empty(), EventRules.violation(e), () -> "from " + text);
                }
            }
            try (ParsedLog log = LogParser.forFormat(format).open("fuzz", new StringReader(text),
                    ParseOptions.DEFAULTS)) {
                log.readAll();
            } catch (LogParseException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz:"));
            }
        }
    }

    @Test
    void shouldNeverThrowOnRandomText() {
        qt().withExamples(1000).forAll(Gens.utf16(300)).checkAssert(ParserRobustnessPropertiesTest::assertParsesSafely);
    }

    @Test
    void shouldNeverThrowOnMutatedValidLines() {
        qt().withExamples(2000).forAll(validLines(), longs().all())
                .checkAssert((line, seed) -> assertParsesSafely(mutate(line, seed)));
    }

    @Test
    void shouldRejectJsonLineMissingAMandatoryField() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            try {
                assertRejectsJsonLineMissingAMandatoryField(seed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void assertRejectsJsonLineMissingAMandatoryField(long seed) throws IOException {
        Random rnd = new Random(seed);
        String[][] mandatory = {
            {"{\"vm\":\"v\",\"vcpu\":1,\"type\":\"msr_write\",\"msr\":\"0x2ff\",\"value\":\"0xc06\"}",
                "vm", "vcpu", "type", "msr", "value"},
            {"{\"vm\":\"v\",\"vcpu\":1,\"type\":\"cr0_write\",\"value\":\"0x11\"}", "vm", "vcpu", "type", "value"},
            {"{\"vm\":\"v\",\"vcpu\":1,\"type\":\"vcpu\",\"op\":\"init\"}", "vm", "vcpu", "type", "op"},
            {"{\"vm\":\"v\",\"type\":\"dma\",\"op\":\"transfer\",\"gpa\":\"0x1000\",\"len\":\"0x1000\"}",
                "vm", "type", "op", "gpa", "len"},
        };
        String[] row = mandatory[rnd.nextInt(mandatory.length)];
        String field = row[1 + rnd.nextInt(row.length - 1)];
        com.fasterxml.jackson.databind.node.ObjectNode o =
                (com.fasterxml.jackson.databind.node.ObjectNode) JsonLineDecoder.MAPPER.readTree(row[0]);
        // Any non-empty string is a legal VM id, so "vm" only gets non-string or empty junk.
        String[] junk = field.equals("vm")
                ? new String[] {"-1", "{}", "[]", "null", "\"\"", "1.5", "true"}
                : new String[] {"\"zz\"", "-1", "{}", "[]", "null", "\"\"", "1.5", "\"0x\"", "true"};
        String corrupted = rnd.nextBoolean()
                ? JsonLineDecoder.MAPPER.writeValueAsString(o.without(field))
                : JsonLineDecoder.MAPPER.writeValueAsString(o.set(field,
                        JsonLineDecoder.MAPPER.readTree(junk[rnd.nextInt(junk.length)])));
        try (ParsedLog log = new JsonLinesParser().open("f", new StringReader(corrupted),
                ParseOptions.DEFAULTS.withPolicy(BadLinePolicy.SKIP))) {
            List<MtrrEvent> events = log.readAll();
            // A junk value can coincide with a valid one only for "type"/"op" strings, which are then unknown.
            assertTrue(events.isEmpty(), () -> corrupted + " produced " + events);
            assertEquals(1, log.rejected().size());
        }
    }

    @Test
    void shouldRejectTraceLineWithCorruptedMsrOrValueField() {
        qt().withExamples(300).forAll(longs().all())
                .checkAssert(ParserRobustnessPropertiesTest::assertRejectsTraceLineWithCorruptedMsrOrValueField);
    }

    private static void assertRejectsTraceLineWithCorruptedMsrOrValueField(long seed) {
        Random rnd = new Random(seed);
        String good = FtraceParserTest.ZHADCHENKO_FTRACE_7FLAGS;
        int payload = good.indexOf("msr_write");
        String[] corruptions = {
            good.substring(0, payload) + "msr_write 3g = 0x40005",
            good.substring(0, payload) + "msr_write  = 0x40005",
            good.substring(0, payload) + "msr_write 3a = 40005",
            good.substring(0, payload) + "msr_write 3a = 0x",
            good.substring(0, payload) + "msr_write 3a 0x40005",
            good.substring(0, payload) + "msr_write 3a = 0x4000z5",
            good.substring(0, payload + rnd.nextInt("msr_write 3a = 0x".length())),
        };
        String bad = corruptions[rnd.nextInt(corruptions.length)];
        try (ParsedLog log = new FtraceParser().open("f", new StringReader(bad),
                ParseOptions.DEFAULTS.withPolicy(BadLinePolicy.SKIP))) {
            assertTrue(log.readAll().isEmpty(), bad);
            assertEquals(1, log.rejected().size(), bad);
        }
    }
}
