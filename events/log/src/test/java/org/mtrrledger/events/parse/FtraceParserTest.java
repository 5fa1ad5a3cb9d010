package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaDirection;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.model.EventKind;

class FtraceParserTest {
    // Verbatim sample lines of domain doc §8.
    static final String JON_DORON_FTRACE_4FLAGS =
            "  qemu-system-x86-613   [001] ....  1165.185255: kvm_msr: msr_write 40000083 = 0xfa1001";
    static final String KRAUSE_FTRACE_5FLAGS_CR =
            " qemu-system-x86-8397    [002] .....  1404.389373: kvm_cr: cr_write 0 = 0x80050033";
    static final String KRAUSE_FTRACE_5FLAGS_MSR =
            " qemu-system-x86-8397    [002] .....  1404.389519: kvm_msr: msr_write c0000080 = 0xd01";
    static final String ZHADCHENKO_FTRACE_7FLAGS =
            "   CPU 0/KVM-16856   [007] .......   380.398696: kvm_msr: msr_write 3a = 0x40005";
    static final String KUZNETSOV_TRACE_CMD_GP =
            "           <...>-43752 [001]  3615.602299: kvm_msr:              msr_read ce = 0x0 (#GP)";
    static final String PERF_SCRIPT =
            "       CPU 0/KVM 1821753 [015] 4831258.258053: kvm:kvm_msr: msr_write 6e0 = 0x10e8aebe830c9e";

    static final String FILE = "traces/host-a.trace";

    static ParsedLog parse(String text, ParseOptions options) {
        return new FtraceParser().open(FILE, new StringReader(text), options);
    }

    static List<MtrrEvent> events(String text) {
        try (ParsedLog log = parse(text, ParseOptions.DEFAULTS)) {
            return log.readAll();
        }
    }

    static MtrrEvent single(String line) {
        List<MtrrEvent> events = events(line);
        assertEquals(1, events.size(), () -> "events of " + line);
        return events.get(0);
    }

    @Test
    void shouldParseJonDoronFourFlagLineAsMsrWriteOfFirstThread() {
        MtrrEvent e = single(JON_DORON_FTRACE_4FLAGS);
        assertEquals(new MsrWrite(0x40000083L, 0xfa1001L, false, false), e.getPayload());
        assertEquals(0, e.getVcpu());
        assertEquals(1165_185_255_000L, e.getTimestampNs());
        assertEquals("host-a", e.getVm());
        assertEquals(new FilePosition(FILE, 1L), e.getSource());
    }

    @Test
    void shouldParseKrauseCrWriteAsCr0WriteAndEferWrite() {
        List<MtrrEvent> events = events(KRAUSE_FTRACE_5FLAGS_CR + "\n" + KRAUSE_FTRACE_5FLAGS_MSR + "\n");
        assertEquals(new Cr0Write(0x80050033L), events.get(0).getPayload());
        assertEquals(new MsrWrite(0xc0000080L, 0xd01L, false, false), events.get(1).getPayload());
        assertEquals(1404_389_373_000L, events.get(0).getTimestampNs());
        assertEquals(0, events.get(1).getVcpu(), "same thread, same vCPU");
        assertEquals(2L, ((FilePosition) events.get(1).getSource()).getLine());
    }

    @Test
    void shouldMapQemuVcpuThreadNameWithSpaceToVcpuZero() {
        MtrrEvent e = single(ZHADCHENKO_FTRACE_7FLAGS);
        assertEquals(new MsrWrite(0x3aL, 0x40005L, false, false), e.getPayload());
        assertEquals(0, e.getVcpu());
        assertEquals(380_398_696_000L, e.getTimestampNs());
    }

    @Test
    void shouldSkipTraceCmdMsrReadWithGp() {
        try (ParsedLog log = parse(KUZNETSOV_TRACE_CMD_GP, ParseOptions.DEFAULTS)) {
            assertTrue(log.readAll().isEmpty());
            assertEquals(1, log.stats().skipped(SkipKind.MSR_READ));
            assertEquals(0, log.stats().rejectedLines());
        }
    }

    @Test
    void shouldParsePerfScriptLineWithSystemPrefix() {
        MtrrEvent e = single(PERF_SCRIPT);
        assertEquals(new MsrWrite(0x6e0L, 0x10e8aebe830c9eL, false, false), e.getPayload());
        assertEquals(0, e.getVcpu());
        assertEquals(4831258_258_053_000L, e.getTimestampNs());
    }

    @Test
    void shouldMarkFaultedWriteAndParseNoFlagTraceCmdLine() {
        MtrrEvent e = single("  CPU 3/KVM-77 [002]  12.5: kvm_msr:   msr_write 2ff = 0xfff (#GP)");
        assertEquals(new MsrWrite(0x2ffL, 0xfffL, false, true), e.getPayload());
        assertEquals(3, e.getVcpu());
        assertEquals(12_500_000_000L, e.getTimestampNs(), "1..9 fraction digits are scaled");
    }

    @Test
    void shouldNumberUnnamedThreadsInOrderOfFirstAppearanceAndReportMapping() {
        String text = """
                # tracer: nop
                #
                 qemu-system-x86-900 [000] .....  1.000001: kvm_msr: msr_write 2ff = 0x0
                 qemu-system-x86-700 [001] .....  1.000002: kvm_msr: msr_write 2ff = 0x0
                           <...>-900 [000] .....  1.000003: kvm_msr: msr_write 2ff = 0xc06
                """;
        try (ParsedLog log = parse(text, ParseOptions.DEFAULTS)) {
            List<MtrrEvent> events = log.readAll();
            assertEquals(List.of(0, 1, 0), events.stream().map(MtrrEvent::getVcpu).toList());
            assertEquals(List.of(
                    new ThreadMapping("host-a", 900, ThreadMapping.NO_TGID, "qemu-system-x86", 0,
                            ThreadMapping.How.ORDER, FILE + ":3"),
                    new ThreadMapping("host-a", 700, ThreadMapping.NO_TGID, "qemu-system-x86", 1,
                            ThreadMapping.How.ORDER, FILE + ":4")), log.stats().threadMappings());
            assertEquals(2, log.stats().skipped(SkipKind.COMMENT));
        }
    }

    @Test
    void shouldCountEverySkipKind() {
        String text = """
                cpus=4
                 CPU 0/KVM-1 [000] .....  2.000000: kvm_cr: cr_read 0 = 0x80050033
                 CPU 0/KVM-1 [000] .....  2.000001: kvm_cr: cr_write 4 = 0x3726e0
                 CPU 0/KVM-1 [000] .....  2.000002: kvm_cr: cr_write 3 = 0x1000
                 CPU 0/KVM-1 [000] .....  2.000003: kvm_exit: vcpu 0 reason CR_ACCESS rip 0xffffffff81000000 info 4 0
                 CPU 0/KVM-1 [000] d....  2.000004: kvm_entry: vcpu 0, rip 0xffffffff81000003

                # some note
                """;
        try (ParsedLog log = parse(text, ParseOptions.DEFAULTS)) {
            assertTrue(log.readAll().isEmpty());
            ParseStats s = log.stats();
            assertEquals(1, s.skipped(SkipKind.HEADER));
            assertEquals(1, s.skipped(SkipKind.CR_READ));
            assertEquals(2, s.skipped(SkipKind.CR_WRITE_OTHER));
            assertEquals(2, s.skipped(SkipKind.OTHER_EVENT));
            assertEquals(1, s.skipped(SkipKind.BLANK));
            assertEquals(1, s.skipped(SkipKind.COMMENT));
            assertEquals(1L, s.otherCrWrites().get(3));
            assertEquals(1L, s.otherCrWrites().get(4));
            assertEquals(1L, s.otherEvents().get("kvm_exit"));
            assertEquals(8, s.lines());
        }
    }

    @Test
    void shouldReadEveryCommentRecord() {
        String text = """
                # mtrr: vm_config maxphyaddr=39 guest_has_mtrr=1 tdp=0 quirk_cd_nw_cleared=0
                # mtrr: vcpu 0 create cr0=0x60000010
                # mtrr: vcpu 3 offline ts=77
                # mtrr: host_msr_write vcpu=0 msr=0x2ff value=0xc06
                # mtrr: msr_write vcpu=1 msr=0x277 value=0x407050600070106 gp=1
                # mtrr: cr0_write vcpu=1 value=0x11
                # mtrr: dma noncoherent_register
                # mtrr: dma noncoherent_unregister device=0000:01:00.0
                # mtrr: dma transfer gpa=0x80000000 len=0x1000 device=0000:01:00.0 dir=to_device
                """;
        List<MtrrEvent> e = events(text);
        assertEquals(9, e.size());
        assertEquals(new VmConfig(39, true, false, false), e.get(0).getPayload());
        assertNull(e.get(0).getVcpu());
        assertEquals(new VcpuLifecycle(LifecycleOp.CREATE, 0x60000010L), e.get(1).getPayload());
        assertEquals(new VcpuLifecycle(LifecycleOp.OFFLINE, null), e.get(2).getPayload());
        assertEquals(3, e.get(2).getVcpu());
        assertEquals(77L, e.get(2).getTimestampNs());
        assertEquals(new MsrWrite(0x2ffL, 0xc06L, true, false), e.get(3).getPayload());
        assertEquals(new MsrWrite(0x277L, 0x407050600070106L, false, true), e.get(4).getPayload());
        assertEquals(new Cr0Write(0x11L), e.get(5).getPayload());
        assertEquals(new DmaOp(DmaOpKind.NONCOHERENT_REGISTER, null, null, null, null), e.get(6).getPayload());
        assertEquals(new DmaOp(DmaOpKind.NONCOHERENT_UNREGISTER, "0000:01:00.0", null, null, null), e.get(7).getPayload());
        assertEquals(new DmaOp(DmaOpKind.TRANSFER, "0000:01:00.0", 0x80000000L, 0x1000L, DmaDirection.TO_DEVICE),
                e.get(8).getPayload());
        assertTrue(e.stream().allMatch(ev -> ev.getVm().equals("host-a")));
    }

    @Test
    void shouldSwitchVmOnVmRecordUnlessOverridden() {
        String text = """
                # mtrr: vm guest%20one
                  CPU 1/KVM-5 [000] .....  1.000000: kvm_cr: cr_write 0 = 0x11
                """;
        assertEquals("guest one", single(text).getVm());
        try (ParsedLog log = parse(text, ParseOptions.DEFAULTS.withVm("forced"))) {
            assertEquals("forced", log.readAll().get(0).getVm());
        }
    }

    static final String FILE_WITH_BAD_LINE_3 = String.join("\n",
            "  CPU 0/KVM-10 [000] .....  5.000001: kvm_msr: msr_write 2ff = 0x0",
            "  CPU 0/KVM-10 [000] .....  5.000002: kvm_msr: msr_write 250 = 0x606060606060606",
            "  CPU 0/KVM-10 [000] .....  5.000003: kvm_msr: msr_write 258 = 606060606060606",
            "  CPU 0/KVM-10 [000] .....  5.000004: kvm_msr: msr_write 2ff = 0xc06",
            "# mtrr: vcpu 0 explode",
            "  CPU 0/KVM-10 [000] .....  5.000005: kvm_cr: cr_write 0 = 0x80050033", "");

    @Test
    void shouldFailAtFirstBadLineNamingFileLineTextAndExpectation() {
        try (ParsedLog log = parse(FILE_WITH_BAD_LINE_3, ParseOptions.DEFAULTS)) {
            var it = log.iterator();
            assertEquals(0x2ffL, ((MsrWrite) it.next().getPayload()).getMsr());
            assertEquals(0x250L, ((MsrWrite) it.next().getPayload()).getMsr());
            LogParseException ex = assertThrows(LogParseException.class, it::hasNext);
            assertTrue(ex.getMessage().startsWith(FILE + ":3: malformed kvm_msr payload, expected"), ex.getMessage());
            assertTrue(ex.getMessage().contains("msr_write 258 = 606060606060606"), ex.getMessage());
            assertEquals(3, ex.rejected().line());
            assertFalse(it.hasNext(), "parsing stops after the first bad line");
        }
    }

    @Test
    void shouldYieldExactlyGoodEventsAndBadLinesUnderSkip() {
        try (ParsedLog log = parse(FILE_WITH_BAD_LINE_3, ParseOptions.DEFAULTS.withPolicy(BadLinePolicy.SKIP))) {
            List<MtrrEvent> events = log.readAll();
            assertEquals(List.of(1L, 2L, 4L, 6L),
                    events.stream().map(e -> ((FilePosition) e.getSource()).getLine()).toList());
            assertEquals(List.of(3L, 5L), log.rejected().stream().map(RejectedLine::line).toList());
            assertTrue(log.rejected().get(1).reason().contains("unknown vcpu op 'explode'"));
            assertEquals(FILE_WITH_BAD_LINE_3.split("\n")[2], log.rejected().get(0).text());
            assertEquals(2, log.stats().rejectedLines());
            assertEquals(3, log.stats().events(EventKind.MSR_WRITE));
            assertEquals(1, log.stats().events(EventKind.CR0_WRITE));
        }
    }

    @Test
    void shouldRejectATraceLineOverTheLimitFromAFileOrAReaderAndNumberTheLinesAfterIt(@TempDir Path dir)
            throws IOException {
        String over = "x".repeat(LogParser.MAX_LINE_BYTES + 1);
        String text = over + "\n" + " qemu-system-x86-900 [000] .....  1.000001: kvm_msr: msr_write 2ff = 0x0\n";
        Path file = Files.writeString(dir.resolve("host-a.trace"), text);
        String fromFile;
        try (ParsedLog log = new FtraceParser().open(file, ParseOptions.DEFAULTS)) {
            fromFile = assertThrows(LogParseException.class, log::readAll).getMessage();
        }
        assertTrue(fromFile.startsWith(file + ":1: line of 1048577 bytes exceeds the limit of 1048576 bytes"),
                fromFile);
        try (ParsedLog log = parse(text, ParseOptions.DEFAULTS)) {
            assertEquals(fromFile.replace(file.toString(), FILE),
                    assertThrows(LogParseException.class, log::readAll).getMessage());
        }
        try (ParsedLog log = new FtraceParser().open(file, ParseOptions.DEFAULTS.withPolicy(BadLinePolicy.SKIP))) {
            assertEquals(1, log.readAll().size());
            assertEquals(1, log.stats().rejectedLines());
            assertEquals(file + ":2", log.stats().threadMappings().get(0).firstLine());
        }
        String tooLongForATrace = "x".repeat(FtraceLineDecoder.MAX_LINE + 1);
        try (ParsedLog log = parse(tooLongForATrace, ParseOptions.DEFAULTS)) {
            assertTrue(assertThrows(LogParseException.class, log::readAll).getMessage().startsWith(
                    FILE + ":1: line longer than 4096 characters, expected a trace line"));
        }
    }

    @Test
    void shouldRejectLookalikesAndOutOfRangeValues() {
        List<String> bad = List.of(
                "  CPU 0/KVM-10 [000] .....  5.000001: kvm_msr: msr_write 1ffffffff = 0x0",
                "  CPU 0/KVM-10 [000] .....  5.000001: kvm_msr: msr_write 2ff = 0x1ffffffffffffffff",
                "  CPU 0/KVM-10 [000] .....  5.000001: kvm_msr: msr_wrote 2ff = 0x0",
                "  CPU 0/KVM-10 [000] .....  5.000001: kvm_cr: cr_write 0 = 80050033",
                "  CPU 1024/KVM-10 [000] .....  5.000001: kvm_cr: cr_write 0 = 0x11",
                "  CPU 0/KVM-10 [000] .....  99999999999.000001: kvm_cr: cr_write 0 = 0x11",
                "this is not a trace line",
                "# mtrr: host_msr_write vcpu=0 msr=0x2ff",
                "# mtrr: host_msr_write vcpu=0 msr=0x2ff value=0xc06 colour=blue",
                "# mtrr: vm_config maxphyaddr=53",
                "# mtrr: dma transfer gpa=0xfffffffffffff000 len=0x2000",
                "# mtrr: vm bad%ZZ");
        try (ParsedLog log = parse(String.join("\n", bad), ParseOptions.DEFAULTS.withPolicy(BadLinePolicy.SKIP))) {
            assertTrue(log.readAll().isEmpty());
            assertEquals(bad.size(), log.rejected().size(), () -> log.rejected().toString());
        }
    }

    @Test
    void shouldDeriveVmIdFromFileBaseName() {
        assertEquals("seabios-linux-2vcpu", FtraceParser.defaultVmId("samples/seabios-linux-2vcpu.trace"));
        assertEquals("trace", FtraceParser.defaultVmId("trace"));
        assertEquals("x.jsonl", FtraceParser.defaultVmId("/a/b/x.jsonl.gz"));
    }
}
