package org.mtrrledger.projections.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.parse.LogParser;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParsedLog;

/**
 * No invented and no missed writes: a capture of a small real boot (SeaBIOS + Linux, 2 vCPUs) against a
 * single-stepped boot of the same firmware and kernel. Single-stepped ({@code -singlestep}), every instruction is a
 * block of its own, so the block that starts at a write site is logged with the registers just before the write:
 * its operands, read without the pairing the capture relies on.
 * <ul>
 *   <li>Within the single-stepped boot, the capture's way (the dump of the block after the write) and the direct way
 *       (the dump of the write's own block) must give the same writes, and every announced execution must have
 *       its own block logged.</li>
 *   <li>Across the two boots, the writes that decide memtypes and zaps (MTRR and PAT MSRs, CR0 writes that change CD
 *       or NW) must be the same per vCPU, in order. The other writes come from timing-dependent loops (SeaBIOS
 *       polls with real/protected-mode switches; Linux's APIC timer set-up), so their number varies between any
 *       two boots.</li>
 * </ul>
 */
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class CaptureFidelityTest {
    private static final Pattern TRACE = Pattern.compile("^Trace (\\d+): \\S+ \\[[0-9a-f]+/([0-9a-f]+)/");
    private static final Pattern REG = Pattern.compile("([A-Z][A-Z0-9]*) ?=([0-9a-f]+)\\b");
    private static final long CD_NW = (1L << 30) | (1L << 29);
    /**
     * Linux prints this in do_basic_setup(), after smp_cpus_done() has run the MTRR/PAT rendezvous on every CPU
     * (cache_aps_init()); no MTRR or PAT write follows before the panic. Single-stepping the rest of the boot would
     * take some 50 times as long.
     */
    private static final String AFTER_MTRR_RENDEZVOUS = "devtmpfs: initialized";

    @TempDir
    static Path dir;

    private static CaptureSpec spec;
    private static List<MtrrEvent> captured;
    private static SingleStepped stepped;

    @BeforeAll
    static void bootTwice() throws IOException {
        spec = RealBoot.seabios2Vcpus("fidelity", false, TracedWrites.ALL, AFTER_MTRR_RENDEZVOUS);
        Path logs = dir.resolve("capture-logs");
        MtrrCapture.capture(spec, dir.resolve("capture.trace"), logs, RealBoot.QUIET);
        try (ParsedLog log = LogParser.openAuto(dir.resolve("capture.trace"), ParseOptions.DEFAULTS)) {
            captured = log.readAll();
        }
        Map<Long, WriteSite> sites = new HashMap<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith("S ")) {
                        WriteSite s = WriteSite.parse(line.split(" ")[1], line.split(" ")[2]);
                        sites.put(s.vaddr(), s);
                    }
                }
            }
        }
        stepped = singleStep(logs.resolve("mtrr-sites.so"), sites);
    }

    /** Boots single-stepped, adding sites it ran that no earlier boot had translated, until none is new. */
    private static SingleStepped singleStep(Path plugin, Map<Long, WriteSite> sites) {
        for (int attempt = 1; ; attempt++) {
            Set<Long> logged = new TreeSet<>(Long::compareUnsigned);
            sites.values().forEach(s -> {
                logged.add(s.vaddr());
                logged.add(s.next());
            });
            Path work = dir.resolve("single-step-" + attempt);
            SingleStepped run = new SingleStepped(logged);
            List<String> argv = new ArrayList<>(MtrrCapture.baseArgs(spec, work));
            argv.addAll(List.of("-singlestep", "-plugin", plugin.toString(), "-d", "plugin,exec,cpu,nochain,cpu_reset",
                    "-dfilter", logged.stream().map(a -> "0x" + Long.toHexString(a) + "+1")
                            .collect(Collectors.joining(",")), "-D", work.resolve("single-step.log").toString()));
            try {
                Files.createDirectories(work);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            QemuRun.run(argv, work.resolve("single-step.log"), work.resolve("qemu.out"),
                    System.nanoTime() + spec.timeLimit().toNanos(), run::line, () -> { },
                    MtrrCapture.consolePrinted(spec, work));
            run.end();
            if (run.newSites.isEmpty() || attempt == 3) {
                return run;
            }
            sites.putAll(run.newSites);
        }
    }

    @Test
    void shouldReadTheSameValuesAfterAWriteAsBeforeIt() {
        assertTrue(stepped.newSites.isEmpty(), "sites the single-stepped boot ran untranslated by the capture's boots: "
                + stepped.newSites.keySet());
        assertTrue(stepped.after.unpaired().isEmpty(), stepped.after.unpaired().toString());
        assertTrue(stepped.missedBefore.isEmpty(), "announced writes without their own block: " + stepped.missedBefore);
        assertTrue(stepped.before.size() > 300, "a SeaBIOS + Linux boot writes hundreds of times: " + stepped.before.size());
        List<GuestWrite> after = stepped.after.writes().stream().filter(w -> !(w instanceof GuestWrite.Init)).toList();
        for (int i = 0; i < Math.min(after.size(), stepped.before.size()); i++) {
            assertEquals(stepped.before.get(i), after.get(i), "write #" + i);
        }
        assertEquals(stepped.before.size(), after.size(), "writes read before and after them");
    }

    @Test
    void shouldCaptureTheMemtypeRelevantWritesOfTheSingleSteppedBoot() {
        Map<Integer, List<String>> expected = relevant(stepped.before.stream().map(CaptureFidelityTest::describe)
                .filter(d -> d != null).toList());
        Map<Integer, List<String>> actual = relevant(captured.stream().map(CaptureFidelityTest::describe)
                .filter(d -> d != null).toList());
        assertEquals(Set.of(0, 1), actual.keySet());
        assertTrue(actual.get(1).size() > 30, "vCPU 1 replays SeaBIOS's MTRR set-up and Linux's: " + actual.get(1));
        assertEquals(expected, actual);
    }

    /** Per vCPU, in order: MTRR and PAT writes, and CR0 writes that change CD or NW. */
    private static Map<Integer, List<String>> relevant(List<String[]> writes) {
        Map<Integer, List<String>> byVcpu = new TreeMap<>();
        Map<Integer, Long> cr0 = new HashMap<>();
        for (String[] w : writes) {
            int vcpu = Integer.parseInt(w[0]);
            long value = Long.parseUnsignedLong(w[2], 16);
            if (w[1].equals("cr0")) {
                long before = cr0.getOrDefault(vcpu, ExecLogReader.RESET_CR0);
                cr0.put(vcpu, value);
                if (((before ^ value) & CD_NW) == 0) {
                    continue;
                }
            } else {
                long msr = Long.parseLong(w[1], 16);
                boolean mtrrOrPat = msr == 0x2ff || msr == 0x277 || (msr >= 0x200 && msr <= 0x21f) || msr == 0x250
                        || msr == 0x258 || msr == 0x259 || (msr >= 0x268 && msr <= 0x26f);
                if (!mtrrOrPat) {
                    continue;
                }
            }
            byVcpu.computeIfAbsent(vcpu, k -> new ArrayList<>()).add(w[1] + "=" + w[2]);
        }
        return byVcpu;
    }

    private static String[] describe(GuestWrite w) {
        if (w instanceof GuestWrite.Msr m) {
            return new String[] {Integer.toString(m.vcpu()), Long.toHexString(m.msr()), Long.toHexString(m.value())};
        }
        if (w instanceof GuestWrite.Cr0 c) {
            return new String[] {Integer.toString(c.vcpu()), "cr0", Long.toHexString(c.value())};
        }
        return null;
    }

    private static String[] describe(MtrrEvent e) {
        if (e.getPayload() instanceof MsrWrite m && !m.getHostInitiated()) {
            return new String[] {e.getVcpu().toString(), Long.toHexString(m.getMsr()), Long.toHexString(m.getValue())};
        }
        if (e.getPayload() instanceof Cr0Write c) {
            return new String[] {e.getVcpu().toString(), "cr0", Long.toHexString(c.getValue())};
        }
        return null;
    }

    /**
     * Reads a single-stepped log both ways: {@link ExecLogReader} (the block after each write) and the block at the
     * write itself, whose dump precedes the plugin's announcement.
     */
    private static final class SingleStepped {
        final ExecLogReader after;
        final List<GuestWrite> before = new ArrayList<>();
        final List<String> missedBefore = new ArrayList<>();
        final Map<Long, WriteSite> newSites = new HashMap<>();
        private final Set<Long> logged;
        private final Map<Long, WriteSite> sites = new HashMap<>();
        private final Map<Integer, Long> lastPc = new HashMap<>();
        private final Map<Integer, Map<String, Long>> lastRegs = new HashMap<>();
        private final Map<Integer, Long> cr0 = new HashMap<>();
        private int dumping = -1;

        SingleStepped(Set<Long> logged) {
            this.logged = logged;
            this.after = new ExecLogReader(logged);
        }

        void line(String line) {
            after.line(line);
            if (line.startsWith("S ")) {
                dumping = -1;
                WriteSite s = WriteSite.parse(line.split(" ")[1], line.split(" ")[2]);
                sites.put(s.vaddr(), s);
                if (!logged.contains(s.vaddr())) {
                    newSites.put(s.vaddr(), s);
                }
            } else if (line.startsWith("X ")) {
                dumping = -1;
                String[] t = line.split(" ");
                int vcpu = Integer.parseInt(t[1]);
                long vaddr = Long.parseUnsignedLong(t[2], 16);
                WriteSite site = sites.get(vaddr);
                Long pc = lastPc.remove(vcpu);
                if (pc == null || pc != vaddr) {
                    missedBefore.add("vCPU " + vcpu + " " + site);
                    return;
                }
                GuestWrite w = ExecLogReader.decode(vcpu, site, lastRegs.get(vcpu),
                        cr0.getOrDefault(vcpu, ExecLogReader.RESET_CR0));
                before.add(w);
            } else if (line.startsWith("Trace ")) {
                Matcher m = TRACE.matcher(line);
                dumping = m.find() ? Integer.parseInt(m.group(1)) : -1;
                if (dumping >= 0) {
                    lastPc.put(dumping, Long.parseUnsignedLong(m.group(2), 16));
                    lastRegs.put(dumping, new HashMap<>());
                }
            } else if (line.startsWith("CPU Reset")) {
                dumping = -1;
            } else if (dumping >= 0) {
                Matcher m = REG.matcher(line);
                while (m.find()) {
                    lastRegs.get(dumping).putIfAbsent(m.group(1), Long.parseUnsignedLong(m.group(2), 16));
                    if (m.group(1).equals("CR0")) {
                        cr0.put(dumping, Long.parseUnsignedLong(m.group(2), 16));
                    }
                }
            }
        }

        void end() {
            after.end();
        }
    }
}
