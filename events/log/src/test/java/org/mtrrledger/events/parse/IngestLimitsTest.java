package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.events.avro.MtrrEvent;

/**
 * What JSON Lines ingest refuses so that nothing it accepts can stop the fold ({@link EventRules}), and how it reads
 * the bytes of a file: malformed UTF-8 is a bad line, so is a line over {@link LogParser#MAX_LINE_BYTES} (read past,
 * never held), a byte order mark is not part of the first line, and a bad line's control characters are escaped when
 * it is echoed.
 */
class IngestLimitsTest {
    private static final String OK = "{\"vm\":\"ok-vm\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":\"0x11\"}\n";

    @TempDir
    Path dir;

    private Path file(byte[] content) throws IOException {
        return Files.write(dir.resolve("fleet.jsonl"), content);
    }

    private Path file(String content) throws IOException {
        return file(content.getBytes(StandardCharsets.UTF_8));
    }

    private static String rejection(Path file) throws IOException {
        try (ParsedLog log = LogParser.openAuto(file, ParseOptions.DEFAULTS)) {
            return assertThrows(LogParseException.class, log::readAll).getMessage();
        }
    }

    private static String vmLine(String vm) {
        return "{\"vm\":\"" + vm + "\",\"type\":\"vm_config\"}\n";
    }

    @Test
    void shouldRejectAVmIdLongerThan255BytesWithFileAndLine() throws IOException {
        String message = rejection(file(OK + vmLine("v".repeat(70_000))));
        assertTrue(message.startsWith(dir.resolve("fleet.jsonl") + ":2: vm id of 70000 bytes is longer than 255"),
                message);
        assertTrue(message.length() < 600, "the offending text is cut: " + message.length());
    }

    /** A valid vm_config line of exactly {@code bytes} bytes: JSON allows whitespace between tokens. */
    private static String paddedLine(int bytes) {
        String start = "{\"vm\":\"padded\",";
        String end = "\"type\":\"vm_config\"}";
        return start + " ".repeat(bytes - start.length() - end.length()) + end;
    }

    @Test
    void shouldFailOnALineOverTheLimitNamingFileLineAndLimitWithoutEchoingIt() throws IOException {
        String message = rejection(file(OK + vmLine("v".repeat(10 << 20)) + OK));
        assertTrue(message.startsWith(dir.resolve("fleet.jsonl") + ":2: line of 10485788 bytes exceeds the limit of "
                + "1048576 bytes (only its start is shown); offending text: '{\"vm\":\"vvv"), message);
        assertTrue(message.length() < 600, "the offending text is cut: " + message.length());
    }

    @Test
    void shouldAcceptALineExactlyAtTheLimit() throws IOException {
        String atLimit = paddedLine(LogParser.MAX_LINE_BYTES);
        assertEquals(LogParser.MAX_LINE_BYTES, atLimit.getBytes(StandardCharsets.UTF_8).length);
        try (ParsedLog log = LogParser.openAuto(file(OK + atLimit + "\n" + OK), ParseOptions.DEFAULTS)) {
            List<MtrrEvent> events = log.readAll();
            assertEquals(List.of("ok-vm", "padded", "ok-vm"), events.stream().map(MtrrEvent::getVm).toList());
        }
        String message = rejection(file(OK + paddedLine(LogParser.MAX_LINE_BYTES + 1) + "\n"));
        assertTrue(message.contains("fleet.jsonl:2: line of 1048577 bytes exceeds the limit of 1048576 bytes"),
                message);
    }

    @Test
    void shouldSkipAndCountLinesOverTheLimitUnderSkipAndParseTheLinesAfterThem() throws IOException {
        String over = paddedLine(LogParser.MAX_LINE_BYTES + 1);
        // CR LF and CR line ends after a long line: each is one line end, as after any other line
        Path f = file(OK + over + "\r\n" + OK.replace("\n", "\r") + over + "\n\n" + OK + over);
        try (ParsedLog log = LogParser.openAuto(f, ParseOptions.DEFAULTS.withPolicy(BadLinePolicy.SKIP))) {
            List<MtrrEvent> events = log.readAll();
            assertEquals(List.of(1L, 3L, 6L), events.stream()
                    .map(e -> ((org.mtrrledger.events.avro.FilePosition) e.getSource()).getLine()).toList());
            assertEquals(3, log.stats().rejectedLines());
            assertEquals(7, log.stats().lines());
            assertEquals(List.of(2L, 4L, 7L), log.rejected().stream().map(RejectedLine::line).toList());
            RejectedLine first = log.rejected().get(0);
            assertEquals("line of 1048577 bytes exceeds the limit of 1048576 bytes (only its start is shown)",
                    first.reason());
            assertEquals(over.substring(0, Utf8Lines.SHOWN_BYTES), first.text());
            assertTrue(first.reportLine().startsWith(f + ":2: line of 1048577 bytes"), first.reportLine());
        }
    }

    @Test
    void shouldCountVmIdLimitInUtf8BytesNotCharacters() {
        assertTrue(EventRules.vmIdViolation("v".repeat(255)).isEmpty());
        assertTrue(EventRules.vmIdViolation("é".repeat(127)).isEmpty());
        assertTrue(EventRules.vmIdViolation("é".repeat(128)).isPresent(), "256 bytes");
        assertTrue(EventRules.vmIdViolation("\uD83D\uDE00".repeat(63)).isEmpty(), "252 bytes: surrogate pairs are 4");
    }

    @Test
    void shouldRejectVmIdsTheStoreCannotKey() {
        assertEquals("vm id is missing or empty", EventRules.vmIdViolation("").orElseThrow());
        assertEquals("vm id contains NUL", EventRules.vmIdViolation("a\0b").orElseThrow());
        assertTrue(EventRules.vmIdViolation("a\uDC00b").orElseThrow().contains("unpaired surrogate at index 1"));
    }

    @Test
    void shouldRejectALongDmaDeviceName() throws IOException {
        String line = "{\"vm\":\"a\",\"type\":\"dma\",\"op\":\"noncoherent_register\",\"device\":\""
                + "d".repeat(256) + "\"}\n";
        assertTrue(rejection(file(line)).contains(":1: dma device of 256 bytes is longer than 255"));
    }

    @Test
    void shouldBoundTheEncodedRecord() {
        assertTrue(EventRules.recordViolation(EventRules.MAX_RECORD_BYTES).isEmpty());
        assertEquals("record of 8193 bytes exceeds the limit of 8192 bytes",
                EventRules.recordViolation(EventRules.MAX_RECORD_BYTES + 1).orElseThrow());
    }

    @Test
    void shouldRejectInvalidUtf8InAJsonStringInsteadOfReplacingIt() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(OK.getBytes(StandardCharsets.UTF_8));
        b.writeBytes("{\"vm\":\"bad".getBytes(StandardCharsets.UTF_8));
        b.write(0xC3); // a lead byte followed by ASCII: malformed
        b.writeBytes("x\",\"type\":\"vm_config\"}\n".getBytes(StandardCharsets.UTF_8));
        String message = rejection(file(b.toByteArray()));
        assertTrue(message.contains("fleet.jsonl:2: invalid UTF-8 at character 11"), message);
    }

    @Test
    void shouldAcceptTheReplacementCharacterAndSupplementaryCharactersThatAreInTheFile() throws IOException {
        Path f = file(vmLine("vm-\uFFFD-\uDBFF\uDFFF"));
        try (ParsedLog log = LogParser.openAuto(f, ParseOptions.DEFAULTS)) {
            assertEquals("vm-\uFFFD-\uDBFF\uDFFF", log.readAll().get(0).getVm());
        }
    }

    @Test
    void shouldDetectAndParseJsonLinesWithAByteOrderMark() throws IOException {
        Path f = file("\uFEFF" + OK + OK);
        assertEquals(LogFormat.JSONL, LogFormat.detect(f));
        try (ParsedLog log = LogParser.openAuto(f, ParseOptions.DEFAULTS)) {
            List<MtrrEvent> events = log.readAll();
            assertEquals(2, events.size());
            assertEquals("ok-vm", events.get(0).getVm());
        }
    }

    @Test
    void shouldEscapeControlCharactersOfABadLineInTheMessageAndTheRejectedLine() throws IOException {
        String bad = "{\"vm\":\"a\",\"type\":\"\u001b[2J\u009b31m\u0007\"}";
        String message = rejection(file(bad + "\n"));
        assertFalse(message.chars().anyMatch(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F)), message);
        assertTrue(message.contains("\\x1b[2J\\x9b31m\\x07"), message);
        try (ParsedLog log = LogParser.openAuto(file(bad + "\n"), ParseOptions.DEFAULTS.withPolicy(
                BadLinePolicy.SKIP))) {
            log.readAll();
            String shown = log.rejected().get(0).toString();
            assertFalse(shown.chars().anyMatch(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F)), shown);
        }
    }
}
