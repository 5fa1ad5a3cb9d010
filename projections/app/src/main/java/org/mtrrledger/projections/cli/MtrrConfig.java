package org.mtrrledger.projections.cli;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.mtrrledger.projections.query.Names;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option that is not on the command line gets its value: flags &gt; environment ({@code MTRR_*}) &gt; a
 * properties file &gt; the option's own default; and the check of both sources, the same for every command.
 *
 * <p>Installed by {@link MtrrCli#commandLine()} as picocli's default value provider, which picocli consults after
 * the arguments have been parsed, and only for options the command line did not set; when this provider returns
 * null the option keeps its annotated default. Each configurable option {@code --KEY} ({@link #KEYS}) reads the
 * environment variable {@link #envName(String) MTRR_KEY} (upper case, {@code -} as {@code _}), then the key
 * {@code COMMAND.KEY} of the properties file (a key for one command only, e.g. {@code serve.group}), then
 * {@code KEY}. The file is {@code --config FILE}, else {@code $MTRR_CONFIG}, else {@code <data>/mtrr.properties} if
 * it exists (data: {@code --data}, else {@code $MTRR_DATA}, else {@code ./mtrr-data}); a file named explicitly must
 * exist. {@code --data} and {@code --config} themselves come from the environment only. Blank values count as unset,
 * everywhere.
 *
 * <p>Every command with {@code --data} (every one that reads the file, the query commands included) checks the whole
 * file and every {@code MTRR_KEY} variable before it runs, whichever keys it uses itself: an unknown key, a
 * {@code COMMAND.KEY} whose command has no such option, or a value its option would refuse (type, allowed values,
 * range) is a usage error naming the file and line (or the variable) and the key. A plain {@code KEY} of another
 * command is not an error: one file serves every command of a data directory ({@code bootstrap} is for {@code run},
 * not for {@code memtype}). Unknown {@code MTRR_*} names are not checked: the environment is shared with scripts
 * ({@code MTRR_JAVA_OPTS}, {@code MTRR_DEBUG}, test variables).
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
            "durability", "poison", "port", "host", "broker-timeout", "metrics-vms");

    /** Inclusive ranges of the numeric keys, as the commands check them. */
    private static final Map<String, long[]> RANGES = Map.of("partitions", new long[] {1, KafkaOptions.MAX_PARTITIONS},
            "checkpoint-every", new long[] {1, Long.MAX_VALUE}, "port", new long[] {0, 65535},
            "metrics-vms", new long[] {0, ServeCommand.MAX_METRICS_VMS});

    /** A Kafka topic name (and a consumer group without blanks); a bootstrap list of HOST:PORT. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern BOOTSTRAP = Pattern.compile("[^,\\s]+:\\d{1,5}(,[^,\\s]+:\\d{1,5})*");

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
        CommandSpec command = arg.command();
        if (command.findOption(DATA_OPTION) == null) {
            return null; // a command without a data directory reads no configuration
        }
        String name = ((OptionSpec) arg).longestName();
        if (name.equals(DATA_OPTION)) {
            return envValue(DataOptions.ENV_DATA).orElse(null);
        }
        if (name.equals(CONFIG_OPTION)) {
            return envValue(ENV_CONFIG).orElse(null);
        }
        if (helpRequested(command)) {
            return null; // --help and --version answer whatever the configuration says
        }
        Map<String, String> values = checked(command);
        String key = name.startsWith("--") ? name.substring(2) : name;
        return KEYS.contains(key) ? values.get(key) : null;
    }

    /**
     * The configured values that apply to {@code command} (key to value; environment over {@code COMMAND.KEY} over
     * {@code KEY}), after checking every variable and the whole file.
     */
    Map<String, String> checked(CommandSpec command) {
        Map<String, String> out = new HashMap<>();
        Optional<Path> file = configFile(command);
        if (file.isPresent()) {
            Map<String, String> scoped = new HashMap<>();
            for (Line l : lines(command, file.get())) {
                String where = "config file " + file.get() + ":" + l.number() + ": ";
                String key = l.key();
                int dot = key.indexOf('.');
                String target = dot < 0 ? null : key.substring(0, dot);
                String bare = dot < 0 ? key : key.substring(dot + 1);
                if (!KEYS.contains(bare)) {
                    throw usage(command, where + "unknown key '" + key + "'" + Names.didYouMean(bare, KEYS)
                            + " (known: " + String.join(", ", KEYS) + ", each also as COMMAND.KEY)");
                }
                if (target != null) {
                    CommandLine sub = command.root().commandLine().getSubcommands().get(target);
                    if (sub == null) {
                        throw usage(command, where + "key '" + key + "': there is no command '" + target + "'");
                    }
                    if (sub.getCommandSpec().findOption("--" + bare) == null) {
                        throw usage(command, where + "key '" + key + "' does not apply to " + target + " (it has no --"
                                + bare + "; " + bare + " is an option of " + commandsWith(command, bare) + ")");
                    }
                }
                if (l.value().isEmpty()) {
                    continue;
                }
                checkValue(command, where + key + "=" + l.value(), bare, l.value());
                if (target == null) {
                    out.put(bare, l.value());
                } else if (target.equals(command.name())) {
                    scoped.put(bare, l.value());
                }
            }
            out.putAll(scoped);
        }
        for (String key : KEYS) {
            Optional<String> v = envValue(envName(key));
            if (v.isPresent()) {
                checkValue(command, "environment " + envName(key) + "=" + v.get(), key, v.get());
                out.put(key, v.get());
            }
        }
        return out;
    }

    private static boolean helpRequested(CommandSpec command) {
        return command.options().stream().anyMatch(o -> (o.usageHelp() || o.versionHelp())
                && Boolean.TRUE.equals(o.getValue()));
    }

    /** One {@code key=value} of the file, with its (first) line number; value blank-trimmed. */
    private record Line(int number, String key, String value) {
    }

    /** The file's entries in order, with line numbers (the {@link Properties} syntax, continuation lines joined). */
    private List<Line> lines(CommandSpec command, Path file) {
        List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw usage(command, "config file " + file + ": cannot read it: " + e.getMessage());
        }
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            int first = i;
            StringBuilder logical = new StringBuilder(text.get(i));
            while (endsInContinuation(logical) && i + 1 < text.size()) {
                logical.setLength(logical.length() - 1);
                logical.append(text.get(++i).stripLeading());
            }
            String t = logical.toString().strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("!")) {
                continue;
            }
            Properties p = new Properties();
            try {
                p.load(new StringReader(logical.toString()));
            } catch (IOException | IllegalArgumentException e) {
                throw usage(command, "config file " + file + ":" + (first + 1) + ": cannot read it: " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                out.add(new Line(first + 1, k, p.getProperty(k).strip()));
            }
        }
        return out;
    }

    private static boolean endsInContinuation(CharSequence s) {
        int n = 0;
        for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    /** Converts {@code value} as {@code --key}'s own option would (type, enum values, converter), then its range. */
    private static void checkValue(CommandSpec command, String where, String key, String value) {
        OptionSpec original = command.findOption("--" + key);
        if (original == null) {
            for (CommandLine sub : command.root().commandLine().getSubcommands().values()) {
                original = original != null ? original : sub.getCommandSpec().findOption("--" + key);
            }
        }
        if (original != null) {
            Probe binding = new Probe();
            OptionSpec copy = OptionSpec.builder(original).setter(binding).getter(binding).defaultValue(null).initialValue(null)
                    .hasInitialValue(false).required(false).build();
            CommandLine probe = new CommandLine(CommandSpec.create().addOption(copy));
            probe.setCaseInsensitiveEnumValuesAllowed(true);
            try {
                probe.parseArgs("--" + key + "=" + value);
            } catch (CommandLine.ParameterException e) {
                String why = Objects.toString(e.getMessage(), "not a valid value").lines().findFirst().orElse("")
                        .replaceFirst("^Invalid value for option '--[a-z-]+': ", "");
                throw usage(command, where + " (--" + key + "): " + why);
            }
        }
        long[] range = RANGES.get(key);
        if (range != null) {
            long n;
            try {
                n = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw usage(command, where + " (--" + key + "): not a whole number");
            }
            if (n < range[0] || n > range[1]) {
                throw usage(command, where + " (--" + key + "): must be " + range[0] + ".."
                        + (range[1] == Long.MAX_VALUE ? "" : Long.toString(range[1])));
            }
        }
        if ((key.equals("topic") || key.equals("group")) && !TOPIC.matcher(value).matches()) {
            throw usage(command, where + " (--" + key + "): 1 to 249 of a-z A-Z 0-9 . _ -");
        }
        if (key.equals("bootstrap") && !BOOTSTRAP.matcher(value).matches()) {
            throw usage(command, where + " (--bootstrap): not HOST:PORT[,HOST:PORT...]");
        }
    }

    /** Where a probe conversion puts its value: nowhere that matters (not the command's own field). */
    private static final class Probe implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
        private Object value;

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T v) {
            T old = (T) value;
            value = v;
            return old;
        }
    }

    private static String commandsWith(CommandSpec command, String key) {
        List<String> out = new ArrayList<>();
        command.root().commandLine().getSubcommands().forEach((n, c) -> {
            if (c.getCommandSpec().findOption("--" + key) != null) {
                out.add(n);
            }
        });
        return String.join(", ", out);
    }

    private static CommandLine.ParameterException usage(CommandSpec command, String message) {
        return new CommandLine.ParameterException(command.commandLine(), message);
    }

    /** The properties file that applies to {@code command} as parsed so far, if there is one. */
    Optional<Path> configFile(CommandSpec command) {
        Optional<String> named = optionValue(command, CONFIG_OPTION).or(() -> envValue(ENV_CONFIG));
        if (named.isPresent()) {
            Path file = Paths.get(named.get());
            if (!Files.isRegularFile(file)) {
                throw usage(command, "config file " + file + " does not exist (named by " + CONFIG_OPTION + " or "
                        + ENV_CONFIG + ")");
            }
            return Optional.of(file);
        }
        Path data = Paths.get(optionValue(command, DATA_OPTION).or(() -> envValue(DataOptions.ENV_DATA))
                .orElse(DataOptions.DEFAULT_DATA));
        Path file = data.resolve(FILE_NAME);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
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
