package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.mtrrledger.events.avro.MtrrEvent;

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

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.strings().all().ofMaxLength(300);
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    /** Every line of both writers' output for one random event, plus the real trace samples. */
    @Provide
    Arbitrary<String> validLines() {
        Arbitrary<String> written = EventArbitraries.events().map(e -> {
            try {
                LogFormat format = (e.hashCode() & 1) == 0 ? LogFormat.JSONL : LogFormat.FTRACE;
                String[] lines = RoundTripPropertiesTest.write(format, List.of(e)).split("\n");
                return lines[lines.length - 1];
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        });
        return Arbitraries.oneOf(written, Arbitraries.of(VALID_FTRACE_LINES.split("\n")));
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

    @Property(tries = 1000)
    void shouldNeverThrowOnRandomText(@ForAll("garbage") String text) {
        assertParsesSafely(text);
    }

    @Property(tries = 2000)
    void shouldNeverThrowOnMutatedValidLines(@ForAll("validLines") String line, @ForAll("seeds") long seed) {
        assertParsesSafely(mutate(line, seed));
    }

    @Property(tries = 300)
    void shouldRejectJsonLineMissingAMandatoryField(@ForAll("seeds") long seed) throws IOException {
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

    @Property(tries = 300)
    void shouldRejectTraceLineWithCorruptedMsrOrValueField(@ForAll("seeds") long seed) {
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
