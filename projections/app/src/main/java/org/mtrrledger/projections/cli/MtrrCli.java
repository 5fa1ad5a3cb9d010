package org.mtrrledger.projections.cli;

import java.io.PrintWriter;
import java.util.function.Function;
import org.mtrrledger.engine.consume.PoisonRecordException;
import org.mtrrledger.engine.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mtrr}: exit code 0 on success, 2 for usage errors, 1 for failures (one line naming what and where). */
@Command(name = "mtrr", mixinStandardHelpOptions = true, version = "mtrr-ledger 0.1.0",
        description = "KVM guest MTRR / CR0.CD / non-coherent DMA events as an audit log on Kafka, folded into "
                + "RocksDB; memtype maps, zaps and hazards of eight zap policies at any offset.",
        subcommands = {BrokerCommand.class, GenCommand.class, CaptureCommand.class, IngestCommand.class, ReplayCommand.class, RunCommand.class, ServeCommand.class, RebuildCommand.class, StateCommand.class,
            VmsCommand.class, EventsCommand.class, MemtypeCommand.class, DiffCommand.class, ZapsCommand.class,
            AuditCommand.class, PoliciesCommand.class, DivergenceCommand.class, SkippedCommand.class,
            ExportCommand.class, CommandLine.HelpCommand.class})
public final class MtrrCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command (mtrr --help lists them)");
    }

    /** The CLI reading the process environment. */
    public static CommandLine commandLine() {
        return commandLine(System::getenv);
    }

    /**
     * The CLI with an injected environment lookup (name to value or null) for the {@code MTRR_*} defaults of
     * {@link MtrrConfig}; precedence: flags &gt; environment &gt; properties file &gt; defaults.
     */
    public static CommandLine commandLine(Function<String, String> env) {
        CommandLine cmd = new CommandLine(new MtrrCli());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setDefaultValueProvider(new MtrrConfig(env));
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String msg = ex.getMessage() == null ? "bad arguments" : ex.getMessage().lines().findFirst().orElse("");
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                msg += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
            }
            c.getErr().println(prefix(c) + msg + " (see --help)");
            return 2;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter err = c.getErr();
            if (ex instanceof Args.UsageError) {
                err.println(prefix(c) + ex.getMessage());
                return 2;
            }
            err.println(prefix(c) + message(ex));
            if (System.getenv("MTRR_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            return 1;
        });
        return cmd;
    }

    private static String prefix(CommandLine c) {
        return c.getParent() == null ? "mtrr: " : "mtrr " + c.getCommandName() + ": ";
    }

    /** The failure in words: our own exceptions carry them; anything else is named as unexpected, never by class. */
    private static String message(Throwable ex) {
        if (ex instanceof CliFailure || ex instanceof IllegalArgumentException || ex instanceof StoreException
                || ex instanceof IllegalStateException || ex instanceof PoisonRecordException) {
            return ex.getMessage();
        }
        if (ex instanceof java.io.UncheckedIOException || ex instanceof java.io.IOException) {
            return "I/O failed: " + (ex.getCause() != null && ex instanceof java.io.UncheckedIOException
                    ? ex.getCause().getMessage() : ex.getMessage());
        }
        return "unexpected failure" + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
                + " (set MTRR_DEBUG=1 for the stack trace)";
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }
}
