package org.mtrrledger.projections.cli;

import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.projections.capture.CaptureFailure;
import org.mtrrledger.projections.capture.CaptureSpec;
import org.mtrrledger.projections.capture.FirmwareImage;
import org.mtrrledger.projections.capture.MtrrCapture;
import org.mtrrledger.projections.capture.TracedWrites;
import org.mtrrledger.projections.query.LedgerQueries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "capture", mixinStandardHelpOptions = true,
        description = "Boot a real firmware and Linux kernel under QEMU (TCG) and record every WRMSR and CR0 write "
                + "of every vCPU as a trace-cmd report of kvm:kvm_msr/kvm:kvm_cr, ready for `mtrr ingest` and "
                + "`mtrr replay`. Needs Debian's qemu-system-x86 (and ovmf or seabios) and a C compiler.")
final class CaptureCommand implements Callable<Integer> {
    @Option(names = "--firmware", required = true, paramLabel = "ovmf|seabios|FILE",
            description = "ovmf (/usr/share/ovmf/OVMF.fd), seabios (/usr/share/seabios/bios-256k.bin) or an image.")
    String firmware;

    @Option(names = "--kernel", required = true, paramLabel = "FILE",
            description = "Linux kernel image (vmlinuz); bin/debian-kernel fetches Debian's cloud kernel.")
    Path kernel;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The trace to write.")
    Path out;

    @Option(names = "--smp", defaultValue = "2", paramLabel = "N", description = "vCPUs (default 2).")
    int smp;

    @Option(names = "--memory", defaultValue = "2G", paramLabel = "SIZE", description = "Guest RAM (default 2G).")
    String memory;

    @Option(names = "--machine", defaultValue = "q35", paramLabel = "q35|pc",
            description = "q35 (default) or pc (i440fx).")
    String machine;

    @Option(names = "--cpu", defaultValue = "qemu64", paramLabel = "MODEL",
            description = "QEMU -cpu model and flags (default qemu64; phys-bits=N sets the guest's MAXPHYADDR, "
                    + "else QEMU's TCG default 40).")
    String cpu;

    @Option(names = "--append", paramLabel = "ARGS",
            description = "More kernel command line, after 'console=ttyS0 nokaslr panic=-1'.")
    String append;

    @Option(names = "--noncoherent-dma",
            description = "Record non-coherent DMA registered before boot (an assigned device without snoop "
                    + "control, as in the seed thread's setup).")
    boolean noncoherentDma;

    @Option(names = "--vm", paramLabel = "ID", description = "VM id in the trace (default: the output file name "
            + "without extension).")
    String vm;

    @Option(names = "--writes", defaultValue = "kvm", paramLabel = "kvm|all",
            description = "kvm (default): the writes KVM on VMX+EPT traces (no passed-through MSRs, no CR0 write "
                    + "changing only TS/WP); all: every write the guest executed.")
    String writes;

    @Option(names = "--qemu-reset-writes", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Add QEMU's KVM_SET_MSRS loads of the MTRRs at vCPU creation and system reset (untraced "
                    + "host writes that a KVM host performs and that zap under v6.4); default on, "
                    + "--no-qemu-reset-writes leaves them out.")
    boolean qemuResetWrites;

    @Option(names = "--until", paramLabel = "TEXT",
            description = "Stop the guest once its console has printed TEXT (default: when it ends; without a root "
                    + "file system the kernel panics right after bringing up its CPUs, which ends it).")
    String until;

    @Option(names = "--time-limit", defaultValue = "60m", paramLabel = "DURATION",
            description = "Stop QEMU and fail after this long (default 60m), e.g. 90s, 30m, 2h.")
    String timeLimit;

    @Option(names = "--keep-logs", paramLabel = "DIR",
            description = "Keep QEMU's logs, the guest console and the plugin in DIR (default: a temporary "
                    + "directory, removed afterwards).")
    Path keepLogs;

    @Option(names = "--from-logs", paramLabel = "DIR",
            description = "Do not boot: write the trace again from the logs an earlier capture kept with --keep-logs "
                    + "(the boot options must be the ones it ran with; --vm, --writes, --qemu-reset-writes and "
                    + "--noncoherent-dma may differ).")
    Path fromLogs;

    @Option(names = "--qemu", defaultValue = "qemu-system-x86_64", paramLabel = "BIN", description = "QEMU binary.")
    String qemu;

    @Option(names = "--replay", description = "Then ingest and fold the trace (like `mtrr replay`) and print the "
            + "per-policy table for the VM.")
    boolean replay;

    @Mixin
    DataOptions data;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        CaptureSpec spec = spec();
        if (fromLogs != null && keepLogs != null) {
            throw new Args.UsageError("--from-logs and --keep-logs exclude each other");
        }
        Path work = fromLogs != null ? fromLogs : keepLogs != null ? keepLogs : Files.createTempDirectory("mtrr-capture");
        MtrrCapture.Result r;
        TerminalProgress progress = new TerminalProgress(System.err);
        boolean temporary = keepLogs == null && fromLogs == null;
        Thread cleanup = new Thread(() -> MtrrCapture.deleteTree(work), "capture-cleanup");
        if (temporary) {
            Runtime.getRuntime().addShutdownHook(cleanup);
        }
        try {
            r = fromLogs != null ? MtrrCapture.render(spec, out, fromLogs) : MtrrCapture.capture(spec, out, work, progress);
        } catch (CaptureFailure e) {
            progress.done();
            throw new CliFailure(e.getMessage());
        } finally {
            if (temporary) {
                Runtime.getRuntime().removeShutdownHook(cleanup);
                MtrrCapture.deleteTree(work);
            }
        }
        progress.done();
        System.out.printf("%s: %d writes (%d WRMSR, %d CR0) of %d vCPUs, %d INITs, %d not traced by KVM; "
                        + "%d boots in %d s%n", out, r.traced(), r.msrWrites(), r.cr0Writes(), r.vcpusSeen(), r.inits(), r.untraced(), r.boots(),
                r.elapsed().toSeconds());
        for (String w : r.warnings()) {
            System.err.println("mtrr capture: warning: " + w);
        }
        if (keepLogs != null) {
            System.err.println("mtrr capture: QEMU logs kept in " + keepLogs);
        }
        if (replay) {
            IngestOptions files = new IngestOptions();
            files.files = List.of(out);
            files.format = "auto";
            ReplayCommand.replay(data, kafka, files, engine);
            try (LedgerStore store = StoreAccess.openForQuery(data.storeDir())) {
                PoliciesCommand.printTotals(new LedgerQueries(store), List.of(spec.vm()), null, System.out);
            }
        }
        return 0;
    }

    private CaptureSpec spec() {
        long memoryBytes = Args.bytes("--memory", memory);
        Duration limit = Args.duration("--time-limit", timeLimit);
        TracedWrites traced = switch (writes.toLowerCase(Locale.ROOT)) {
            case "kvm" -> TracedWrites.KVM_VMX;
            case "all" -> TracedWrites.ALL;
            default -> throw new Args.UsageError("--writes: kvm or all, not '" + writes + "'");
        };
        String name = vm != null ? vm : stem(out);
        FirmwareImage fw;
        try {
            fw = FirmwareImage.named(firmware);
        } catch (CaptureFailure e) {
            throw new CliFailure(e.getMessage());
        }
        try {
            return new CaptureSpec(qemu, fw, kernel, smp, memoryBytes >> 20, machine, cpu, append, noncoherentDma,
                    name, limit, traced, qemuResetWrites, until == null || until.isEmpty() ? null : until);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageError(e.getMessage());
        }
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Live progress: one rewritten line on a terminal, a line every 10 s otherwise. */
    static final class TerminalProgress implements MtrrCapture.Progress {
        private final PrintStream err;
        private final Console console = System.console();
        private long lastPrinted;
        private boolean dirty;

        TerminalProgress(PrintStream err) {
            this.err = err;
        }

        @Override
        public void update(String phase, Duration elapsed, int vcpusSeen, int writes) {
            String line = String.format("%s: %d s, %d vCPUs seen, %d writes", phase, elapsed.toSeconds(), vcpusSeen,
                    writes);
            if (console != null) {
                err.print("\r" + line + "   ");
                dirty = true;
            } else if (elapsed.toSeconds() - lastPrinted >= 10) {
                err.println(line);
                lastPrinted = elapsed.toSeconds();
            }
        }

        @Override
        public void note(String message) {
            done();
            err.println("mtrr capture: " + message);
        }

        void done() {
            if (dirty) {
                err.println();
                dirty = false;
            }
        }
    }
}
