package org.mtrrledger.projections.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.codec.AvroTrust;
import org.mtrrledger.events.model.Hex;
import org.mtrrledger.events.parse.FtraceWriter;

/**
 * Boots a firmware and a kernel under QEMU's TCG and writes every WRMSR and CR0 write of every vCPU, in execution
 * order, as a {@code trace-cmd report} of {@code kvm:kvm_msr} and {@code kvm:kvm_cr}.
 *
 * <p>QEMU 7.2's plugin API cannot read registers, and its {@code -d cpu} dumps are far too many to log for every
 * block, so a capture boots the guest twice (three times if the second boot ran a site the first never did):
 * <ol>
 *   <li>with the {@code mtrr-sites} plugin only, which lists every instruction that writes CR0 or an MSR as it is
 *       translated;</li>
 *   <li>with the plugin and {@code -d exec,cpu,nochain,cpu_reset} filtered to the blocks that start right after those
 *       instructions; {@link ExecLogReader} pairs each announced execution with the register dump of its next
 *       block.</li>
 * </ol>
 * Single-threaded TCG runs the vCPUs round-robin on one host thread, so the log's order is the order in which the
 * writes happened across vCPUs. The trace's timestamps are that order (one microsecond per write), not wall time.
 */
public final class MtrrCapture {
    static {
        AvroTrust.install();
    }

    /** At most this many boots with the logging filter: a third boot only adds sites the second one reached. */
    private static final int MAX_VALUE_PASSES = 3;
    private static final String PLUGIN_SOURCE = "mtrr-sites.c";
    /** The device a non-coherent DMA registration names: an assigned device without snoop control. */
    static final String DMA_DEVICE = "vfio-pci-noncoherent";

    /** Progress for a terminal: which boot, what it has seen so far. */
    public interface Progress {
        void update(String phase, Duration elapsed, int vcpusSeen, int writes);

        void note(String message);
    }

    /**
     * What a capture wrote.
     *
     * @param msrWrites    WRMSRs in the trace
     * @param cr0Writes    CR0 writes in the trace
     * @param untraced     writes left out because KVM would not have traced them ({@link TracedWrites})
     * @param inits        INITs seen after the guest started
     * @param vcpusSeen    vCPUs that executed at least one write
     * @param boots        QEMU boots it took (2, or 3 when the second found new sites)
     * @param unannounced  logged blocks without an announced write before them (ignored; see {@link ExecLogReader})
     * @param maxPhysAddr  MAXPHYADDR written into the trace's vm_config
     * @param warnings     what the user should know (a kernel that did not reach its end, vCPUs that never ran)
     * @param elapsed      wall time of the whole capture
     */
    public record Result(int msrWrites, int cr0Writes, int untraced, int inits, int vcpusSeen, int boots,
            long unannounced, int maxPhysAddr, List<String> warnings, Duration elapsed) {
        public int traced() {
            return msrWrites + cr0Writes;
        }
    }

    private MtrrCapture() {
    }

    /** Captures {@code spec} into {@code out}; QEMU's logs go to {@code workDir} (kept only if the caller keeps it). */
    public static Result capture(CaptureSpec spec, Path out, Path workDir, Progress progress) {
        long start = System.nanoTime();
        long deadline = start + spec.timeLimit().toNanos();
        requireFile(spec.kernel(), "kernel");
        try {
            Files.createDirectories(workDir);
            Path plugin = buildPlugin(workDir);
            List<String> base = baseArgs(spec, workDir);

            Path log1 = workDir.resolve("pass1-sites.log");
            ExecLogReader sites = new ExecLogReader(Set.of());
            List<String> argv1 = new ArrayList<>(base);
            argv1.addAll(List.of("-plugin", plugin.toString(), "-d", "plugin", "-D", log1.toString()));
            progress.note("boot 1: finding the guest's CR0 and MSR write instructions");
            QemuRun.run(argv1, log1, workDir.resolve("qemu-pass1.out"), deadline, sites::line,
                    () -> progress.update("boot 1 (find write sites)", QemuRun.since(start),
                            sites.vcpusSeen().size(), 0), consolePrinted(spec, workDir));
            sites.end();
            Set<Long> filter = new TreeSet<>(Long::compareUnsigned);
            sites.sites().values().forEach(s -> filter.add(s.next()));
            progress.note("boot 1: " + sites.sites().size() + " write sites");

            ExecLogReader values = null;
            int boots = 1;
            for (int pass = 0; pass < MAX_VALUE_PASSES; pass++) {
                Path log2 = workDir.resolve("pass" + (boots + 1) + "-values.log");
                ExecLogReader reader = new ExecLogReader(filter);
                List<String> argv2 = new ArrayList<>(base);
                argv2.addAll(List.of("-plugin", plugin.toString(), "-d", "plugin,exec,cpu,nochain,cpu_reset",
                        "-dfilter", dfilter(filter), "-D", log2.toString()));
                Files.writeString(workDir.resolve("pass" + (boots + 1) + "-filter.txt"), dfilter(filter) + "\n");
                String phase = "boot " + (boots + 1) + " (read written values)";
                progress.note(phase + ": logging " + filter.size() + " block starts");
                QemuRun.run(argv2, log2, workDir.resolve("qemu-pass" + (boots + 1) + ".out"), deadline, reader::line,
                        () -> progress.update(phase, QemuRun.since(start), reader.vcpusSeen().size(),
                                reader.writes().size()), consolePrinted(spec, workDir));
                reader.end();
                boots++;
                values = reader;
                if (reader.incomplete().isEmpty()) {
                    break;
                }
                progress.note("boot " + boots + " ran " + reader.incomplete().size()
                        + " write site(s) that boot 1 never translated; booting again with them logged");
                filter.addAll(reader.incomplete());
            }
            if (!values.incomplete().isEmpty()) {
                throw new CaptureFailure("the guest kept running write sites no earlier boot had run ("
                        + values.incomplete().size() + " after " + boots + " boots); the boot is not repeatable");
            }
            if (!values.unpaired().isEmpty()) {
                throw new CaptureFailure(values.unpaired().size() + " write(s) whose values could not be read, first: "
                        + values.unpaired().get(0));
            }
            return write(spec, out, workDir, values, boots, false, QemuRun.since(start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the trace again from the logs a capture kept ({@code --keep-logs}), without booting: its last boot's
     * log and logging filter, under {@code spec}'s output choices (VM id, which writes, QEMU's reset writes).
     */
    public static Result render(CaptureSpec spec, Path out, Path logs) {
        long start = System.nanoTime();
        try (Stream<Path> files = Files.list(logs)) {
            Path last = files.filter(p -> p.getFileName().toString().matches("pass\\d+-values\\.log"))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString()
                            .replaceAll("\\D", "")))).orElseThrow(() -> new CaptureFailure(
                                    logs + " holds no passN-values.log of a capture (--keep-logs)"));
            int boots = Integer.parseInt(last.getFileName().toString().replaceAll("\\D", ""));
            Path filterFile = logs.resolve("pass" + boots + "-filter.txt");
            if (!Files.exists(filterFile)) {
                throw new CaptureFailure(filterFile + " is missing: these logs are not from a complete capture");
            }
            Set<Long> filter = new TreeSet<>(Long::compareUnsigned);
            for (String range : Files.readString(filterFile).strip().split(",")) {
                filter.add(Long.parseUnsignedLong(range.substring(2, range.indexOf('+')), 16));
            }
            ExecLogReader values = new ExecLogReader(filter);
            try (Stream<String> lines = Files.lines(last, StandardCharsets.ISO_8859_1)) {
                lines.forEach(values::line);
            }
            values.end();
            if (!values.incomplete().isEmpty() || !values.unpaired().isEmpty()) {
                throw new CaptureFailure(last + " is not a complete capture pass");
            }
            return write(spec, out, logs, values, boots, true, QemuRun.since(start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Result write(CaptureSpec spec, Path out, Path workDir, ExecLogReader values, int boots,
            boolean fromKeptLogs,
            Duration elapsed) throws IOException {
        List<String> warnings = new ArrayList<>();
        int maxPhysAddr = spec.maxPhysAddr();
        int fromMasks = maxPhysAddrFromMasks(values.writes());
        if (fromMasks > 0 && fromMasks != maxPhysAddr) {
            warnings.add("the variable-range masks the firmware wrote imply MAXPHYADDR " + fromMasks + ", not "
                    + maxPhysAddr + "; the trace uses " + fromMasks);
            maxPhysAddr = fromMasks;
        }
        if (values.vcpusSeen().size() < spec.smp()) {
            warnings.add("only " + values.vcpusSeen().size() + " of " + spec.smp() + " vCPUs wrote CR0 or an MSR");
        }
        String console = Files.exists(workDir.resolve("console.log"))
                ? Files.readString(workDir.resolve("console.log"), StandardCharsets.ISO_8859_1) : "";
        if (spec.until() != null && !console.contains(spec.until())) {
            warnings.add("the console never printed '" + spec.until() + "'");
        } else if (spec.until() == null && !console.contains("Kernel panic") && !console.contains("reboot: ")) {
            warnings.add("the kernel did not reach its end (no panic or reboot on the console): the boot may have "
                    + "stopped early; see console.log with --keep-logs");
        }

        int msrs = 0;
        int cr0s = 0;
        int untraced = 0;
        int inits = 0;
        Path tmp = out.resolveSibling(out.getFileName() + ".partial");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            header(w, spec, boots, fromKeptLogs ? workDir : null);
            FtraceWriter trace = new FtraceWriter(w, FtraceWriter.Shape.TRACE_CMD_REPORT);
            trace.write(event(spec.vm(), null, null, new VmConfig(maxPhysAddr, spec.guestHasMtrr(), true, true)));
            for (int v = 0; v < spec.smp(); v++) {
                trace.write(event(spec.vm(), v, null, new VcpuLifecycle(LifecycleOp.CREATE, ExecLogReader.RESET_CR0)));
            }
            if (spec.noncoherentDma()) {
                trace.write(event(spec.vm(), null, null,
                        new DmaOp(DmaOpKind.NONCOHERENT_REGISTER, DMA_DEVICE, null, null, null)));
            }
            if (spec.qemuResetWrites()) {
                qemuMtrrLoad(trace, spec, false);
                qemuMtrrLoad(trace, spec, true);
            }
            long ts = 0;
            for (GuestWrite g : values.writes()) {
                if (!spec.traced().traced(g)) {
                    untraced++;
                    continue;
                }
                ts += 1_000;
                Object payload;
                if (g instanceof GuestWrite.Msr m) {
                    payload = new MsrWrite(m.msr(), m.value(), false, false);
                    msrs++;
                } else if (g instanceof GuestWrite.Cr0 c) {
                    payload = new Cr0Write(c.value());
                    cr0s++;
                } else {
                    payload = new VcpuLifecycle(LifecycleOp.INIT, null);
                    inits++;
                }
                trace.write(event(spec.vm(), g.vcpu(), ts, payload));
            }
            trace.flush();
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new Result(msrs, cr0s, untraced, inits, values.vcpusSeen().size(), boots, values.unannounced(),
                maxPhysAddr, warnings, elapsed);
    }

    /**
     * QEMU's {@code kvm_put_msrs()} loads every vCPU's MTRRs with KVM_SET_MSRS at levels {@code KVM_PUT_RESET_STATE}
     * and above: once after the vCPUs are created ({@code cpu_synchronize_all_post_init}) and again after the system
     * reset that precedes the first instruction ({@code cpu_synchronize_all_post_reset}, after KVM_SET_SREGS has put
     * CR0 back to its RESET value). QEMU's copies are zero then: MTRRdefType, the 11 fixed-range MSRs, then
     * PHYSBASE/PHYSMASK of its 8 variable ranges. Host-initiated writes are not traced by {@code kvm_msr}, but they
     * reach {@code update_mtrr()}.
     */
    private static void qemuMtrrLoad(FtraceWriter trace, CaptureSpec spec, boolean afterReset) throws IOException {
        for (int v = 0; v < spec.smp(); v++) {
            if (afterReset) {
                trace.write(event(spec.vm(), v, null, new VcpuLifecycle(LifecycleOp.RESET, null)));
            }
            for (long msr : QEMU_MTRR_LOAD_ORDER) {
                trace.write(event(spec.vm(), v, null, new MsrWrite(msr, 0L, true, false)));
            }
        }
    }

    private static final long[] QEMU_MTRR_LOAD_ORDER = java.util.stream.LongStream.concat(
            java.util.stream.LongStream.of(0x2ff, 0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d,
                    0x26e, 0x26f),
            java.util.stream.LongStream.range(0x200, 0x210)).toArray();

    /**
     * A valid variable-range mask has every bit from the range's size up to MAXPHYADDR-1 set (SDM Vol. 3A 13.11.2.3),
     * so its highest set bit tells the width the firmware read from CPUID; 0 when no valid mask was written.
     */
    static int maxPhysAddrFromMasks(List<GuestWrite> writes) {
        int width = 0;
        for (GuestWrite g : writes) {
            if (g instanceof GuestWrite.Msr m && m.msr() >= 0x201 && m.msr() <= 0x21f && (m.msr() & 1) == 1
                    && (m.value() & 0x800) != 0) {
                width = Math.max(width, 64 - Long.numberOfLeadingZeros(m.value() & ~0xfffL));
            }
        }
        return width;
    }

    /** @param keptLogs the logs the trace was written again from ({@code --from-logs}), or null right after a boot */
    private static void header(Writer w, CaptureSpec spec, int boots, Path keptLogs) throws IOException {
        w.write("# mtrr capture: a real boot under QEMU TCG, written as trace-cmd report of kvm:kvm_msr and "
                + "kvm:kvm_cr\n");
        String when = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        w.write((keptLogs == null ? "# captured " + when + " in " + boots + " boots"
                : "# written " + when + " from the kept logs of a capture in " + boots + " boots (--from-logs)")
                + "; timestamps are the order of execution (1 us per write), not wall time\n");
        w.write("# qemu: " + commandOutput(List.of(spec.qemu(), "--version")).lines().findFirst().orElse("?") + "\n");
        w.write("# firmware: " + spec.firmware().image() + packageVersion(spec.firmware().debianPackage()) + "\n");
        w.write("# kernel: " + spec.kernel().getFileName() + " (" + KernelImage.version(spec.kernel()) + ")\n");
        if (spec.until() != null) {
            w.write("# stopped when the console printed '" + spec.until() + "'\n");
        }
        w.write("# machine: " + spec.machine() + ", cpu " + spec.cpu() + ", " + spec.smp() + " vCPUs, "
                + spec.memoryMiB() + " MiB, append '" + spec.kernelCommandLine() + "'"
                + (spec.noncoherentDma() ? ", non-coherent DMA registered before boot" : "") + "\n");
        if (spec.qemuResetWrites()) {
            w.write("# host writes: QEMU's KVM_SET_MSRS loads of the MTRRs after vCPU creation and after system reset "
                    + "(untraced on a KVM host, written as '# mtrr: host_msr_write')\n");
        }
        w.write("# writes: " + (spec.traced() == TracedWrites.KVM_VMX
                ? "those KVM on VMX+EPT traces (no passed-through MSRs, no CR0 write changing only TS/WP)"
                : "every write the guest executed") + "\n");
    }

    private static String packageVersion(String pkg) {
        if (pkg == null) {
            return "";
        }
        String v = commandOutput(List.of("dpkg-query", "-W", "-f", "${Version}", pkg)).strip();
        return v.isEmpty() ? " (package " + pkg + ")" : " (Debian " + pkg + " " + v + ")";
    }

    static String commandOutput(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(10, TimeUnit.SECONDS);
                return s;
            }
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static MtrrEvent event(String vm, Integer vcpu, Long ts, Object payload) {
        return MtrrEvent.newBuilder().setVm(vm).setVcpu(vcpu).setTimestampNs(ts).setPayload(payload).build();
    }

    /** Whether the guest has printed {@code spec.until()} on its console yet (never, without one). */
    static java.util.function.BooleanSupplier consolePrinted(CaptureSpec spec, Path workDir) {
        Path console = workDir.resolve("console.log");
        return () -> {
            try {
                return spec.until() != null && Files.exists(console)
                        && Files.readString(console, StandardCharsets.ISO_8859_1).contains(spec.until());
            } catch (IOException e) {
                return false;
            }
        };
    }

    static List<String> baseArgs(CaptureSpec spec, Path workDir) {
        return List.of(spec.qemu(), "-machine", spec.machine(), "-accel", "tcg,thread=single", "-cpu", spec.cpu(),
                "-smp", Integer.toString(spec.smp()), "-m", spec.memoryMiB() + "M",
                "-bios", spec.firmware().image().toString(), "-kernel", spec.kernel().toString(),
                "-append", spec.kernelCommandLine(), "-no-reboot", "-display", "none", "-nic", "none",
                "-monitor", "none", "-parallel", "none",
                "-serial", "file:" + workDir.resolve("console.log"));
    }

    private static String dfilter(Set<Long> starts) {
        return starts.stream().map(a -> Hex.of(a) + "+1").collect(Collectors.joining(","));
    }

    private static Path buildPlugin(Path workDir) throws IOException {
        Path src = workDir.resolve(PLUGIN_SOURCE);
        try (InputStream in = MtrrCapture.class.getResourceAsStream(PLUGIN_SOURCE)) {
            Files.copy(in, src, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path so = workDir.resolve("mtrr-sites.so");
        List<String> cc = List.of("cc", "-shared", "-fPIC", "-O2", "-fvisibility=hidden", "-o", so.toString(),
                src.toString());
        Process p;
        try {
            p = new ProcessBuilder(cc).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new CaptureFailure("no C compiler (cc) to build the QEMU plugin (Debian package gcc)");
        }
        try (InputStream in = p.getInputStream()) {
            String msg = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new CaptureFailure("building the QEMU plugin failed: " + msg.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureFailure("interrupted");
        }
        return so;
    }

    private static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new CaptureFailure(what + " " + file + ": no such file"
                    + (what.equals("kernel") ? " (bin/debian-kernel fetches Debian's linux-image-*-cloud-amd64)" : ""));
        }
    }

    /** Removes a work directory the caller does not keep. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
