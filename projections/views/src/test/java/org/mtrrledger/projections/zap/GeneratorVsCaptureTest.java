package org.mtrrledger.projections.zap;

import org.mtrrledger.projections.RepoRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.FirmwareChoice;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.gen.Machine;
import org.mtrrledger.events.gen.NoncoherentDma;
import org.mtrrledger.events.gen.Scenarios;
import org.mtrrledger.events.gen.VcpuRange;
import org.mtrrledger.events.parse.LogParser;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParsedLog;
import org.mtrrledger.projections.InMemoryRun;

/**
 * The generator held to the real boots shipped in samples/captures/ (issue 11 §3): for every capture, a generated
 * boot of the same firmware, vCPU count, memory size, machine and MAXPHYADDR, with the same host conditions (QEMU's
 * MTRR loads, non-coherent DMA before boot, TCG's INIT), writes as many MTRR MSRs on every vCPU, and every policy's
 * zap calls are within 10% of what the capture folds to.
 */
class GeneratorVsCaptureTest {
    private static final Path CAPTURES = RepoRoot.resolve("samples", "captures");
    private static final Pattern MACHINE = Pattern.compile(
            "^# machine: (\\w+), cpu \\S+, (\\d+) vCPUs, (\\d+) MiB,.*$", Pattern.MULTILINE);
    private static final Pattern FIRMWARE = Pattern.compile("^# firmware: (.*)$", Pattern.MULTILINE);

    /** A capture and the generated boot made to its description, each folded by the real pipeline. */
    private record Pair(String name, List<MtrrEvent> captured, List<MtrrEvent> generated) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Pair> captures() throws IOException {
        try (Stream<Path> files = Files.list(CAPTURES)) {
            return files.filter(p -> p.toString().endsWith(".trace")).sorted().map(GeneratorVsCaptureTest::pair)
                    .toList().stream();
        }
    }

    @Test
    void shouldHaveTheOvmfAndSeaBiosCapturesOfTheSeedThreadsSetupToCompareWith() throws IOException {
        List<String> names = captures().map(Pair::name).toList();
        assertTrue(names.contains("ovmf-linux-8vcpu-16g-q35-dma.trace"), names.toString());
        assertTrue(names.contains("seabios-linux-8vcpu-16g-q35-dma.trace"), names.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void shouldWriteAsManyMtrrMsrsOnEveryVcpuAsTheCapture(Pair p) {
        assertEquals(mtrrWritesPerVcpu(p.captured()), mtrrWritesPerVcpu(p.generated()),
                "per vCPU: guest WRMSRs / QEMU's host writes to MTRR MSRs");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void shouldZapWithinTenPercentOfTheCaptureUnderEveryPolicy(Pair p) {
        InMemoryRun real = fold(p.captured());
        InMemoryRun gen = fold(p.generated());
        StringBuilder table = new StringBuilder();
        boolean within = true;
        for (PolicyId policy : PolicyId.values()) {
            int c = real.zaps(policy).size();
            int g = gen.zaps(policy).size();
            within &= Math.abs(g - c) <= c / 10.0;
            table.append(String.format(Locale.ROOT, "%n  %-17s capture %4d  generated %4d", policy.label, c, g));
        }
        assertTrue(within, "zap calls per policy:" + table);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void shouldWriteCr0InTheCapturesProportion(Pair p) {
        long c = p.captured().stream().filter(e -> e.getPayload() instanceof Cr0Write).count();
        long g = p.generated().stream().filter(e -> e.getPayload() instanceof Cr0Write).count();
        assertTrue(Math.abs(g - c) <= c / 10.0, "CR0 writes: capture " + c + ", generated " + g);
    }

    private static Pair pair(Path capture) {
        try {
            String text = Files.readString(capture);
            List<MtrrEvent> captured;
            try (ParsedLog log = LogParser.openAuto(capture, ParseOptions.DEFAULTS)) {
                captured = log.readAll();
            }
            return new Pair(capture.getFileName().toString(), captured, BootLogGenerator.stream(specOf(text, captured))
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The generator spec a capture's header and vm_config describe. */
    private static GeneratorSpec specOf(String header, List<MtrrEvent> events) {
        Matcher m = MACHINE.matcher(header);
        Matcher f = FIRMWARE.matcher(header);
        assertTrue(m.find() && f.find(), "capture header without '# machine:' or '# firmware:'");
        String firmware = f.group(1).toLowerCase(Locale.ROOT);
        VmConfig config = (VmConfig) events.stream().filter(e -> e.getPayload() instanceof VmConfig).findFirst()
                .orElseThrow().getPayload();
        Scenarios host = Scenarios.NONE.withQemuResetWrites(header.contains("# host writes:"))
                .withTcg(header.contains("under QEMU TCG"));
        return GeneratorSpec.defaults().withVcpus(VcpuRange.exactly(Integer.parseInt(m.group(2))))
                .withFirmware(firmware.contains("ovmf") ? FirmwareChoice.OVMF : FirmwareChoice.SEABIOS)
                .withMachine(m.group(1).equals("q35") ? Machine.Q35 : Machine.I440FX)
                .withRamBytes(Long.parseLong(m.group(3)) << 20).withMaxPhysAddr(config.getMaxPhysAddr())
                .withQuirkCdNwCleared(config.getQuirkCdNwCleared())
                .withNoncoherentDma(header.contains("non-coherent DMA registered before boot")
                        ? NoncoherentDma.BEFORE_BOOT : NoncoherentDma.NONE)
                .withScenarios(host);
    }

    /** vCPU → "guest/host" counts of writes to MTRRdefType, the fixed and the variable MTRRs. */
    private static Map<Integer, String> mtrrWritesPerVcpu(List<MtrrEvent> events) {
        Map<Integer, int[]> counts = new TreeMap<>();
        for (MtrrEvent e : events) {
            if (e.getPayload() instanceof MsrWrite w && isMtrr(w.getMsr())) {
                counts.computeIfAbsent(e.getVcpu(), v -> new int[2])[w.getHostInitiated() ? 1 : 0]++;
            }
        }
        Map<Integer, String> out = new TreeMap<>();
        counts.forEach((v, c) -> out.put(v, c[0] + "/" + c[1]));
        return out;
    }

    private static boolean isMtrr(long msr) {
        return msr == 0x2ff || msr == 0x250 || msr == 0x258 || msr == 0x259 || (msr >= 0x268 && msr <= 0x26f)
                || (msr >= 0x200 && msr <= 0x20f);
    }

    private static InMemoryRun fold(List<MtrrEvent> events) {
        Iterator<MtrrEvent> it = events.iterator();
        MtrrEvent first = it.next();
        InMemoryRun run = new InMemoryRun(first.getVm().toString()).apply(first);
        it.forEachRemaining(run::apply);
        return run;
    }
}
