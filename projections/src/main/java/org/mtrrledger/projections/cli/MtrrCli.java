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
            EventsCommand.class, MemtypeCommand.class, DiffCommand.class, ZapsCommand.class, AuditCommand.class,
            PoliciesCommand.class, DivergenceCommand.class, SkippedCommand.class, ExportCommand.class,
            CommandLine.HelpCommand.class})
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
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter err = c.getErr();
            if (ex instanceof Args.UsageError) {
                err.println("mtrr " + c.getCommandName() + ": " + ex.getMessage());
                err.println("Try 'mtrr " + c.getCommandName() + " --help'.");
                return 2;
            }
            err.println("mtrr " + c.getCommandName() + ": " + message(ex));
            if (System.getenv("MTRR_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            return 1;
        });
        return cmd;
    }

    private static String message(Throwable ex) {
        if (ex instanceof CliFailure || ex instanceof IllegalArgumentException || ex instanceof StoreException
                || ex instanceof IllegalStateException || ex instanceof PoisonRecordException) {
            return ex.getMessage();
        }
        return ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }
}
