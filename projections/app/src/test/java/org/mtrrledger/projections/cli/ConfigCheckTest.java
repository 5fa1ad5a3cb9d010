package org.mtrrledger.projections.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command that reads mtrr.properties and MTRR_* (every one with --data: the engine commands, ingest, broker,
 * capture and the query commands) checks them the same way before it does anything: an unknown key, a
 * COMMAND.KEY that does not apply, a bad value in the file or in the environment is exit 2 with one line naming
 * file:line (or the variable) and the key. No broker is started and no store opened: the data directory stays empty.
 */
class ConfigCheckTest {
    @TempDir
    Path tmp;

    private final Map<String, String> env = new HashMap<>();

    /** What each command needs on its command line besides --data to get past parsing. */
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "ingest", List.of("x.jsonl"), "replay", List.of("x.jsonl"), "state", List.of("--vm", "v"),
            "audit", List.of("--vm", "v", "--offset", "0"), "diff", List.of("--vm", "v", "--from", "0", "--to", "1"),
            "export", List.of("--perfetto", "out.json"),
            "capture", List.of("--firmware", "ovmf", "--kernel", "k", "-o", "out.trace"));

    /** Every subcommand that has --data, i.e. reads the configuration. */
    private static List<String> configuredCommands() {
        List<String> out = new ArrayList<>();
        MtrrCli.commandLine(n -> null).getSubcommands().forEach((name, c) -> {
            if (c.getCommandSpec().findOption("--data") != null) {
                out.add(name);
            }
        });
        return out;
    }

    private record Result(int code, String err) {
    }

    private Result run(String command, String... extra) {
        CommandLine cl = MtrrCli.commandLine(env::get);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        List<String> args = new ArrayList<>(List.of(command, "--data", data().toString()));
        args.addAll(REQUIRED.getOrDefault(command, List.of()));
        args.addAll(List.of(extra));
        return new Result(cl.execute(args.toArray(String[]::new)), err.toString());
    }

    private Path data() {
        return tmp.resolve("data");
    }

    private Path config(String... lines) throws IOException {
        Files.createDirectories(data());
        return Files.write(data().resolve(MtrrConfig.FILE_NAME), String.join("\n", lines)
                .getBytes(StandardCharsets.UTF_8));
    }

    private void assertUsage(Result r, String command, String... parts) {
        assertEquals(2, r.code(), command + ": " + r.err());
        assertEquals(1, r.err().lines().count(), command + ": one line: " + r.err());
        assertTrue(r.err().startsWith("mtrr " + command + ": "), r.err());
        for (String p : parts) {
            assertTrue(r.err().contains(p), command + ": '" + p + "' in " + r.err());
        }
        assertFalse(r.err().contains("Exception"), r.err());
    }

    /** Nothing was started: the data directory holds the config file and nothing else (no kafka/, no store/). */
    private void assertNothingStarted() throws IOException {
        try (var files = Files.list(data())) {
            assertEquals(List.of(MtrrConfig.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void shouldCoverTheQueryCommandsTheEngineCommandsAndIngest() {
        List<String> commands = configuredCommands();
        for (String c : List.of("run", "serve", "rebuild", "replay", "ingest", "broker", "memtype", "zaps",
                "events", "vms", "state", "diff", "audit", "policies", "divergence", "skipped", "export")) {
            assertTrue(commands.contains(c), c + " reads the configuration: " + commands);
        }
    }

    @Test
    void shouldRejectAnUnknownKeyInEveryCommandNamingFileLineAndKey() throws IOException {
        Path file = config("# comment", "bootstrap=localhost:9092", "", "topik=typo");
        for (String c : configuredCommands()) {
            assertUsage(run(c), c, file + ":4", "unknown key 'topik'", "did you mean 'topic'");
            assertEquals(0, run(c, "--help").code(), c + " --help answers whatever the file says");
        }
        assertNothingStarted();
    }

    @Test
    void shouldRejectABadValueInEveryCommandEvenForAKeyItDoesNotUse() throws IOException {
        Path file = config("topic=mtrr.events", "partitions=many");
        for (String c : configuredCommands()) {
            assertUsage(run(c), c, file + ":2", "partitions=many", "--partitions");
        }
        config("durability=FAST");
        for (String c : configuredCommands()) {
            assertUsage(run(c), c, ":1", "durability=FAST", "WAL_NO_SYNC", "SYNC", "NO_WAL");
        }
        config("port=70000");
        for (String c : configuredCommands()) {
            assertUsage(run(c), c, ":1", "port=70000", "0..65535");
        }
        config("broker-timeout=soon");
        assertUsage(run("memtype"), "memtype", ":1", "broker-timeout=soon", "not a duration");
        config("bootstrap=kafka");
        assertUsage(run("vms"), "vms", ":1", "bootstrap=kafka", "HOST:PORT");
        config("checkpoint-every=0");
        assertUsage(run("run"), "run", ":1", "checkpoint-every=0", "must be 1..");
        config("metrics-vms=-1");
        assertUsage(run("zaps"), "zaps", ":1", "metrics-vms=-1", "0..10000");
        assertNothingStarted();
    }

    @Test
    void shouldRejectACommandKeyThatDoesNotApplyToItsCommand() throws IOException {
        Path file = config("serve.port=8081", "memtype.group=g");
        for (String c : configuredCommands()) {
            assertUsage(run(c), c, file + ":2", "'memtype.group' does not apply to memtype", "run", "serve");
        }
        config("sevre.port=8081");
        assertUsage(run("serve"), "serve", ":1", "no command 'sevre'");
        assertNothingStarted();
    }

    @Test
    void shouldCheckTheEnvironmentTheSameWayNamingTheVariable() throws IOException {
        Files.createDirectories(data());
        env.put("MTRR_POISON", "maybe");
        for (String c : configuredCommands()) {
            assertUsage(run(c), c, "MTRR_POISON=maybe", "--poison", "FAIL", "SKIP");
        }
        env.clear();
        env.put("MTRR_TOPIC", "a topic");
        assertUsage(run("policies"), "policies", "MTRR_TOPIC=a topic", "--topic");
        try (var files = Files.list(data())) {
            assertEquals(0, files.count(), "nothing started");
        }
    }

    @Test
    void shouldShareOneFileBetweenCommandsAndLetACommandKeyWinForItsCommand() throws IOException {
        config("bootstrap=127.0.0.1:1", "group=shared", "serve.group=server-group", "serve.port=8081",
                "metrics-vms=5");
        Map<String, String> serve = new MtrrConfig(env::get).checked(spec("serve"));
        assertEquals("server-group", serve.get("group"));
        assertEquals("8081", serve.get("port"));
        assertEquals("shared", new MtrrConfig(env::get).checked(spec("run")).get("group"));
        env.put("MTRR_GROUP", "from-env");
        assertEquals("from-env", new MtrrConfig(env::get).checked(spec("serve")).get("group"),
                "the environment beats the file, COMMAND.KEY included");
        env.clear();
        // a query command takes the shared file (keys of other commands are fine) and gets as far as the store
        Result r = run("memtype", "--vm", "v");
        assertNotEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no store at"), r.err());
    }

    private CommandLine.Model.CommandSpec spec(String command) {
        CommandLine cl = MtrrCli.commandLine(env::get);
        List<String> args = new ArrayList<>(List.of(command, "--data", data().toString()));
        args.addAll(REQUIRED.getOrDefault(command, List.of()));
        return cl.parseArgs(args.toArray(String[]::new)).subcommand().commandSpec();
    }
}
