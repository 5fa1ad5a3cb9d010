package org.mtrrledger.projections.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option that is not on the command line gets its value: flags &gt; environment ({@code MTRR_*}) &gt; a
 * properties file &gt; the option's own default.
 *
 * <p>Installed by {@link MtrrCli#commandLine()} as picocli's default value provider, which picocli consults after
 * the arguments have been parsed, and only for options the command line did not set; when this provider returns
 * null the option keeps its annotated default. Each configurable option {@code --KEY} ({@link #KEYS}) reads the
 * environment variable {@link #envName(String) MTRR_KEY} (upper case, {@code -} as {@code _}), then the key
 * {@code KEY} of the properties file. The file is {@code --config FILE}, else {@code $MTRR_CONFIG}, else
 * {@code <data>/mtrr.properties} if it exists (data: {@code --data}, else {@code $MTRR_DATA}, else
 * {@code ./mtrr-data}); a file named explicitly must exist, and a key the file does not know is an error, so a typo
 * is not silently ignored. {@code --data} and {@code --config} themselves come from the environment only. Blank
 * values count as unset, everywhere.
 *
 * <p>The environment is injectable so tests need not change the real one.
 */
public final class MtrrConfig implements CommandLine.IDefaultValueProvider {
    /** Names a properties file; {@code --config} wins over it. */
    public static final String ENV_CONFIG = "MTRR_CONFIG";

    /** The file looked for in the data directory when neither {@code --config} nor {@code MTRR_CONFIG} names one. */
    public static final String FILE_NAME = "mtrr.properties";

    /** The keys of the properties file: the long names (without {@code --}) of the options they configure. */
    public static final List<String> KEYS = List.of("bootstrap", "topic", "partitions", "group", "checkpoint-every",
            "durability", "poison", "port", "host", "broker-timeout");

    static final String CONFIG_OPTION = "--config";
    static final String DATA_OPTION = "--data";

    private final Function<String, String> env;

    /** A provider reading the real process environment. */
    public MtrrConfig() {
        this(System::getenv);
    }

    /** A provider with an injected environment lookup (name to value or null). */
    public MtrrConfig(Function<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /** The environment variable of a configuration key: {@code checkpoint-every} is {@code MTRR_CHECKPOINT_EVERY}. */
    public static String envName(String key) {
        return "MTRR_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec)) {
            return null;
        }
        String name = ((OptionSpec) arg).longestName();
        if (name.equals(DATA_OPTION)) {
            return envValue(DataOptions.ENV_DATA).orElse(null);
        }
        if (name.equals(CONFIG_OPTION)) {
            return envValue(ENV_CONFIG).orElse(null);
        }
        String key = name.startsWith("--") ? name.substring(2) : name;
        if (!KEYS.contains(key)) {
            return null;
        }
        Optional<String> fromEnv = envValue(envName(key));
        if (fromEnv.isPresent()) {
            return fromEnv.get();
        }
        return fileValue(arg.command(), key).orElse(null);
    }

    /** The properties file that applies to {@code command} as parsed so far, if there is one. */
    Optional<Path> configFile(CommandSpec command) {
        Optional<String> named = optionValue(command, CONFIG_OPTION).or(() -> envValue(ENV_CONFIG));
        if (named.isPresent()) {
            Path file = Paths.get(named.get());
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(command.commandLine(),
                        "config file " + file + " does not exist (named by " + CONFIG_OPTION + " or " + ENV_CONFIG
                                + ")");
            }
            return Optional.of(file);
        }
        Path data = Paths.get(optionValue(command, DATA_OPTION).or(() -> envValue(DataOptions.ENV_DATA))
                .orElse(DataOptions.DEFAULT_DATA));
        Path file = data.resolve(FILE_NAME);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    private Optional<String> fileValue(CommandSpec command, String key) {
        Optional<Path> file = configFile(command);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "config file " + file.get() + ": cannot read it: " + e.getMessage());
        }
        for (String k : p.stringPropertyNames()) {
            if (!KEYS.contains(k)) {
                throw new CommandLine.ParameterException(command.commandLine(), "config file " + file.get()
                        + ": unknown key '" + k + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        return nonBlank(p.getProperty(key));
    }

    private Optional<String> envValue(String name) {
        return nonBlank(env.apply(name));
    }

    /** The value an option of {@code command} holds now: after parsing, what the command line set (or null). */
    private static Optional<String> optionValue(CommandSpec command, String option) {
        OptionSpec o = command.findOption(option);
        Object v = o == null ? null : o.getValue();
        return v == null ? Optional.empty() : nonBlank(v.toString());
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }
}
