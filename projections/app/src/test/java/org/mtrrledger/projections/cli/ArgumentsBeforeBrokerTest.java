package org.mtrrledger.projections.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error promise for the commands that start or reach a broker (run, rebuild, replay, ingest, serve): a bad
 * argument is exit 2 with one line naming the option, found before anything starts, so the data directory stays
 * empty (no embedded broker log, no store). And a missing --vm is named as such, never as picocli's
 * {@code <main class>}.
 */
class ArgumentsBeforeBrokerTest {
    @TempDir
    Path tmp;

    private Path data;
    private Path log;

    @BeforeEach
    void dirs() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        log = Files.writeString(tmp.resolve("boot.jsonl"), "{\"vm\":\"v\",\"vcpu\":0,\"type\":\"vcpu\",\"op\":\"create\"}\n");
    }

    private CliRun mtrr(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(1, "--data");
        a.add(2, data.toString());
        return CliRun.of(a.toArray(String[]::new));
    }

    private void assertUsageError(CliRun r, String... naming) throws IOException {
        assertEquals(2, r.code(), r.toString());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "one line: " + r);
        for (String n : naming) {
            assertTrue(lines.get(0).contains(n), "names " + n + ": " + r);
        }
        assertFalse(lines.get(0).matches(".*(Exception|java\\.|<main class>|Try ').*"), r.toString());
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(List.of(), files.toList(), "nothing started: " + r);
        }
    }

    @Test
    void shouldRejectBadArgumentsOfTheBrokerCommandsBeforeStartingOne() throws IOException {
        String f = log.toString();
        assertUsageError(mtrr("run", "--checkpoint-every", "0"), "--checkpoint-every", ">= 1");
        assertUsageError(mtrr("rebuild", "--checkpoint-every", "-5"), "--checkpoint-every");
        assertUsageError(mtrr("replay", f, "--checkpoint-every", "0"), "--checkpoint-every");
        assertUsageError(mtrr("serve", "--checkpoint-every", "0"), "--checkpoint-every");
        for (String c : List.of("run", "rebuild", "serve")) {
            assertUsageError(mtrr(c, "--partitions", "0"), "--partitions", "1..10000");
            assertUsageError(mtrr(c, "--broker-timeout", "1ms"), "--broker-timeout", "at least 100ms");
            assertUsageError(mtrr(c, "--durability", "fast"), "--durability", "WAL_NO_SYNC", "SYNC", "NO_WAL");
            assertUsageError(mtrr(c, "--poison", "ignore"), "--poison", "FAIL", "SKIP");
        }
        assertUsageError(mtrr("ingest", f, "--partitions", "0"), "--partitions");
        assertUsageError(mtrr("replay", f, "--poison", "ignore"), "--poison", "FAIL", "SKIP");
        assertUsageError(mtrr("serve", "--port", "70000"), "--port must be 0..65535");
        assertUsageError(mtrr("serve", "--metrics-vms", "-1"), "--metrics-vms must be 0..10000");
        assertUsageError(mtrr("serve", "--metrics-vms", "many"), "--metrics-vms", "many");
    }

    @Test
    void shouldNameAMissingVmOptionInEveryCommandThatNeedsOne() throws IOException {
        for (String c : List.of("state", "audit", "diff", "events", "memtype", "zaps")) {
            assertUsageError(mtrr(c), "--vm");
        }
    }
}
