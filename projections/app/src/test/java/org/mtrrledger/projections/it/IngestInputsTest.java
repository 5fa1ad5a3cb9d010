package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code mtrr ingest} says about inputs it cannot take: paths that are not regular files are named as what they
 * are (before any broker is contacted), an unreadable file keeps its reason, a line over the length limit is a bad
 * line with file:line, and a bad line's control characters never reach the terminal or the report raw.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngestInputsTest extends WithEmbeddedBroker {
    private static final String OK = "{\"vm\":\"ok-vm\",\"vcpu\":0,\"type\":\"vcpu\",\"op\":\"create\"}\n";

    /** Ingest against a port nothing listens on: these failures must come before any broker is needed. */
    private static ItSupport.CliResult ingestOffline(String path) {
        return ItSupport.cli("ingest", "--bootstrap", "127.0.0.1:1", "--data", dir.resolve("offline").toString(),
                path);
    }

    private static void assertFails(ItSupport.CliResult r, String message) {
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains(message), r.toString());
        assertFalse(r.err().contains("no such file"), r.toString());
    }

    @Test
    void shouldNameADirectoryAsADirectory() throws IOException {
        Path d = Files.createDirectories(dir.resolve("a-directory"));
        assertFails(ingestOffline(d.toString()), d + ": is a directory, expected a log file");
    }

    @Test
    void shouldNameAFifoAndDevNullAsWhatTheyAre() throws Exception {
        Path fifo = dir.resolve("a-fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo is not available");
        assertFails(ingestOffline(fifo.toString()), fifo + ": is a FIFO (named pipe), not a regular file");
        assertFails(ingestOffline("/dev/null"), "/dev/null: is a character device, not a regular file");
    }

    @Test
    void shouldKeepWhyAFileCannotBeRead() throws IOException {
        Path f = Files.writeString(dir.resolve("unreadable.jsonl"), OK);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(f), "running as root: permissions do not stop reads");
        assertFails(ingestOffline(f.toString()), f + ": cannot read it: permission denied");
    }

    @Test
    void shouldKeepTheCauseOfAReadThatFailsAfterOpening() {
        Path mem = Path.of("/proc/self/mem"); // opens, then every read at offset 0 fails with EIO
        assumeTrue(Files.isRegularFile(mem), "no /proc here");
        ItSupport.CliResult r = ItSupport.cli("ingest", "--bootstrap", broker.bootstrap(), "--topic", "inputs.eio",
                "--data", dir.resolve("eio").toString(), mem.toString());
        assertFails(r, mem + ": cannot read it: Input/output error");
    }

    @Test
    void shouldRejectATenMegabyteLineWithFileLineAndLimitAndPublishNothing() throws IOException {
        Path f = Files.writeString(dir.resolve("huge-vm-id.jsonl"),
                OK + "{\"vm\":\"" + "v".repeat(10 << 20) + "\",\"type\":\"vm_config\"}\n");
        ItSupport.CliResult r = ItSupport.cli("ingest", "--bootstrap", broker.bootstrap(), "--topic", "inputs.huge",
                "--data", dir.resolve("huge").toString(), f.toString());
        assertEquals(1, r.exitCode(), r.toString().substring(0, Math.min(2000, r.toString().length())));
        assertTrue(r.err().contains(f + ":2: line of 10485788 bytes exceeds the limit of 1048576 bytes"), r.err());
        assertTrue(r.err().contains("nothing of " + f + " was published"), r.err());
        assertTrue(r.err().length() < 2000, "the offending text is cut: " + r.err().length());
    }

    @Test
    void shouldEscapeControlCharactersOfBadLinesOnTheTerminalAndInTheReport() throws IOException {
        String bad = "{\"vm\":\"x\u001b]0;pwned\u0007\",\"type\":\"\u009b2J\"}";
        Path f = Files.writeString(dir.resolve("control.jsonl"), OK + bad + "\n");
        ItSupport.CliResult failed = ItSupport.cli("ingest", "--bootstrap", broker.bootstrap(), "--topic",
                "inputs.control", "--data", dir.resolve("control").toString(), f.toString());
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.err().contains("\\x1b]0;pwned\\x07"), failed.err());
        assertFalse(hasControl(failed.err().replace("\n", "")), failed.err());

        Path report = dir.resolve("control.rejected");
        ItSupport.CliResult skipped = ItSupport.cliOk("ingest", "--bootstrap", broker.bootstrap(), "--topic",
                "inputs.control", "--data", dir.resolve("control").toString(), "--skip-bad", "--report",
                report.toString(), f.toString());
        String reported = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(reported.startsWith(f + ":2: "), reported);
        assertTrue(reported.contains("\\x1b]0;pwned\\x07") && reported.contains("\\x9b2J"), reported);
        assertFalse(hasControl(reported.strip()), reported);
        assertFalse(hasControl(skipped.out().replace("\n", "")), skipped.out());
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F));
    }
}
