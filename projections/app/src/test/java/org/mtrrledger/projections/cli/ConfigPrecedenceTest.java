package org.mtrrledger.projections.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.consume.EngineConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Flags &gt; MTRR_* environment &gt; properties file &gt; defaults, with an injected environment. */
class ConfigPrecedenceTest {
    @TempDir
    Path tmp;

    private final Map<String, String> env = new HashMap<>();

    /** Parses {@code mtrr ARGS} (a subcommand first) and returns the subcommand's model, values filled in. */
    private CommandSpec parse(String... args) {
        CommandLine cl = MtrrCli.commandLine(env::get);
        return cl.parseArgs(args).subcommand().commandSpec();
    }

    private static String value(CommandSpec spec, String option) {
        Object v = spec.findOption(option).getValue();
        return v == null ? null : v.toString();
    }

    private Path file(Path path, String... lines) throws IOException {
        Files.createDirectories(path.getParent());
        return Files.write(path, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }

    private Path data() {
        return tmp.resolve("data");
    }

    @Test
    void shouldLetAFlagBeatTheEnvironmentBeatTheFileBeatTheDefault() throws IOException {
        String d = data().toString();
        // default only
        CommandSpec run = parse("run", "--data", d);
        assertEquals(EngineConfig.DEFAULT_TOPIC, value(run, "--topic"));
        assertEquals("4", value(run, "--partitions"));
        assertEquals(EngineConfig.DEFAULT_GROUP, value(run, "--group"));
        assertEquals("1000", value(run, "--checkpoint-every"));
        assertEquals("WAL_NO_SYNC", value(run, "--durability"));
        assertEquals("FAIL", value(run, "--poison"));
        assertNull(value(run, "--bootstrap"));

        // the data directory's mtrr.properties beats the defaults
        file(data().resolve(MtrrConfig.FILE_NAME), "bootstrap=file:9092", "topic=file.topic", "partitions=3",
                "group=file-group", "checkpoint-every=7", "durability=SYNC", "poison=SKIP");
        run = parse("run", "--data", d);
        assertEquals("file:9092", value(run, "--bootstrap"));
        assertEquals("file.topic", value(run, "--topic"));
        assertEquals("3", value(run, "--partitions"));
        assertEquals("file-group", value(run, "--group"));
        assertEquals("7", value(run, "--checkpoint-every"));
        assertEquals("SYNC", value(run, "--durability"));
        assertEquals("SKIP", value(run, "--poison"));

        // MTRR_* beats the file, key by key
        env.put(KafkaOptions.ENV_BOOTSTRAP, "env:9092");
        env.put(KafkaOptions.ENV_TOPIC, "env.topic");
        env.put("MTRR_CHECKPOINT_EVERY", "11");
        run = parse("run", "--data", d);
        assertEquals("env:9092", value(run, "--bootstrap"));
        assertEquals("env.topic", value(run, "--topic"));
        assertEquals("11", value(run, "--checkpoint-every"));
        assertEquals("3", value(run, "--partitions"), "a key the environment lacks still comes from the file");

        // flags beat everything
        run = parse("run", "--data", d, "--bootstrap", "flag:9092", "--topic", "flag.topic", "--checkpoint-every",
                "13", "--partitions", "5");
        assertEquals("flag:9092", value(run, "--bootstrap"));
        assertEquals("flag.topic", value(run, "--topic"));
        assertEquals("13", value(run, "--checkpoint-every"));
        assertEquals("5", value(run, "--partitions"));
        assertEquals("file-group", value(run, "--group"));
    }

    @Test
    void shouldTakeTheDataDirectoryFromTheEnvironmentAndFindItsFile() throws IOException {
        file(data().resolve(MtrrConfig.FILE_NAME), "topic=in-data-dir");
        env.put(DataOptions.ENV_DATA, data().toString());
        CommandSpec run = parse("run");
        assertEquals(data().toString(), value(run, "--data"));
        assertEquals("in-data-dir", value(run, "--topic"));
        assertEquals(Path.of(DataOptions.DEFAULT_DATA), new DataOptions().dataDir());
    }

    @Test
    void shouldPreferConfigFlagOverMtrrConfigOverTheDataDirectoryFile() throws IOException {
        String d = data().toString();
        file(data().resolve(MtrrConfig.FILE_NAME), "topic=from-data-dir");
        Path envFile = file(tmp.resolve("env.properties"), "topic=from-env-file");
        Path flagFile = file(tmp.resolve("flag.properties"), "topic=from-flag-file");
        assertEquals("from-data-dir", value(parse("ingest", "--data", d, "x"), "--topic"));
        env.put(MtrrConfig.ENV_CONFIG, envFile.toString());
        assertEquals("from-env-file", value(parse("ingest", "--data", d, "x"), "--topic"));
        assertEquals("from-flag-file",
                value(parse("ingest", "--data", d, "--config", flagFile.toString(), "x"), "--topic"));
        // the option order on the command line does not matter: defaults are applied after parsing
        assertEquals("from-flag-file",
                value(parse("ingest", "--config", flagFile.toString(), "x", "--data", d), "--topic"));
    }

    @Test
    void shouldCountBlankValuesAsUnset() throws IOException {
        file(data().resolve(MtrrConfig.FILE_NAME), "topic=from-file", "group=");
        env.put(KafkaOptions.ENV_TOPIC, "  ");
        CommandSpec run = parse("run", "--data", data().toString());
        assertEquals("from-file", value(run, "--topic"));
        assertEquals(EngineConfig.DEFAULT_GROUP, value(run, "--group"));
    }

    private String[] execute(String... args) {
        CommandLine cl = MtrrCli.commandLine(env::get);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return new String[] {Integer.toString(cl.execute(args)), err.toString()};
    }

    @Test
    void shouldRejectAnUnknownKeyAMissingNamedFileAndABadValueAsUsageErrors() throws IOException {
        file(data().resolve(MtrrConfig.FILE_NAME), "topik=typo");
        String[] r = execute("run", "--data", data().toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("unknown key 'topik'"), r[1]);

        r = execute("run", "--data", tmp.resolve("elsewhere").toString(), "--config",
                tmp.resolve("missing.properties").toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("missing.properties does not exist"), r[1]);

        env.put("MTRR_PARTITIONS", "many");
        r = execute("run", "--data", tmp.resolve("elsewhere").toString());
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("--partitions") && r[1].contains("many"), r[1]);
    }

    @Test
    void shouldNameEveryKeysEnvironmentVariableAfterTheKey() {
        assertEquals("MTRR_CHECKPOINT_EVERY", MtrrConfig.envName("checkpoint-every"));
        assertEquals(KafkaOptions.ENV_BOOTSTRAP, MtrrConfig.envName("bootstrap"));
        assertEquals(KafkaOptions.ENV_TOPIC, MtrrConfig.envName("topic"));
        assertEquals("MTRR_BOOTSTRAP", KafkaOptions.ENV_BOOTSTRAP);
        assertEquals("MTRR_TOPIC", KafkaOptions.ENV_TOPIC);
        assertEquals("MTRR_DATA", DataOptions.ENV_DATA);
    }

    /** Every key configures an option of `run`, except the HTTP ones, which are `serve`'s. */
    @Test
    void shouldOnlyKnowKeysThatAreOptions() {
        CommandLine cl = MtrrCli.commandLine(env::get);
        CommandSpec run = cl.getSubcommands().get("run").getCommandSpec();
        CommandSpec serve = cl.getSubcommands().get("serve").getCommandSpec();
        for (String key : MtrrConfig.KEYS) {
            assertNotNull(serve.findOption("--" + key), "serve --" + key);
            if (!java.util.Set.of("port", "host", "metrics-vms").contains(key)) {
                assertNotNull(run.findOption("--" + key), "run --" + key);
            }
        }
    }
}
