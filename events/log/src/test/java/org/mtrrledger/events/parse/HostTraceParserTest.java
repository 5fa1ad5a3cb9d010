package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;

/**
 * Host traces: several QEMU processes traced at once (the fixtures under {@code host-traces/}: two SeaBIOS VMs, 2
 * vCPUs each, the same writes in every line shape). Each line goes to its process's VM, or the file is refused.
 */
class HostTraceParserTest {
    /** The vCPU threads of the fixtures' two QEMU processes (TGID 16850: q35; TGID 17020: i440fx, 2 GiB). */
    static final Map<Long, String> BY_THREAD = Map.of(16856L, "host-tgid-16850", 16857L, "host-tgid-16850",
            17031L, "host-tgid-17020", 17032L, "host-tgid-17020");

    static String fixture(String name) {
        try (InputStream in = HostTraceParserTest.class.getResourceAsStream("/host-traces/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<MtrrEvent> parse(String name, String text, ParseOptions options) {
        try (ParsedLog log = new FtraceParser().open(name, new StringReader(text), options)) {
            return log.readAll();
        }
    }

    static ParsedLog open(String name, String text, ParseOptions options) {
        return new FtraceParser().open(name, new StringReader(text), options);
    }

    /** Guest writes per VM in file order, as "vCPU ts what", VMs in order of first appearance. */
    static Map<String, List<String>> writesByVm(List<MtrrEvent> events) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (MtrrEvent e : events) {
            String what;
            if (e.getPayload() instanceof MsrWrite w) {
                what = "msr " + Long.toHexString(w.getMsr()) + "=" + Long.toHexString(w.getValue());
            } else if (e.getPayload() instanceof Cr0Write c) {
                what = "cr0=" + Long.toHexString(c.getValue());
            } else {
                continue;
            }
            out.computeIfAbsent(e.getVm(), k -> new ArrayList<>())
                    .add(e.getVcpu() + " " + TraceTimestamp.format(e.getTimestampNs()) + " " + what);
        }
        return out;
    }

    /** 1-based number of the first line containing {@code text}. */
    static int lineOf(String fileText, String text) {
        String[] lines = fileText.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line contains " + text);
    }

    @Test
    void shouldAttributeEachLineToItsQemuProcessByTheRecordTgidColumn() {
        String text = fixture("host-tgid.trace");
        try (ParsedLog log = open("host-tgid.trace", text, ParseOptions.DEFAULTS)) {
            List<MtrrEvent> events = log.readAll();
            Map<String, List<String>> byVm = writesByVm(events);
            assertEquals(List.of("host-tgid-16850", "host-tgid-17020"), List.copyOf(byVm.keySet()));
            for (List<String> writes : byVm.values()) {
                assertEquals(64, writes.size(), "2 vCPUs x (CR0 + 31 SeaBIOS MTRR writes)");
                assertEquals(32, writes.stream().filter(w -> w.startsWith("0 ")).count());
                assertEquals(32, writes.stream().filter(w -> w.startsWith("1 ")).count());
            }
            assertEquals("0 8123.401121 cr0=11", byVm.get("host-tgid-16850").get(0));
            assertTrue(byVm.get("host-tgid-16850").contains("0 8123.401280 msr 200=c0000000"), "q35 pcimem_start");
            assertTrue(byVm.get("host-tgid-17020").contains("0 8123.401301 msr 200=80000000"),
                    "i440fx with 2 GiB: pcimem_start 2 GiB");
            // Each VM's comment records went to the VM they name.
            List<String> dma = events.stream().filter(e -> e.getPayload() instanceof DmaOp)
                    .map(e -> e.getVm() + " " + ((DmaOp) e.getPayload()).getDevice()).toList();
            assertEquals(List.of("host-tgid-16850 0000:01:00.0", "host-tgid-17020 0000:02:00.0"), dma);
            List<String> threads = log.stats().threadMappings().stream().map(ThreadMapping::describe).toList();
            assertEquals(List.of(
                    "host-tgid-16850: CPU 0/KVM-16856 (TGID 16850) -> vCPU 0 (named), first at host-tgid.trace:11",
                    "host-tgid-17020: CPU 0/KVM-17031 (TGID 17020) -> vCPU 0 (named), first at host-tgid.trace:"
                            + lineOf(text, "CPU 0/KVM-17031"),
                    "host-tgid-16850: CPU 1/KVM-16857 (TGID 16850) -> vCPU 1 (named), first at host-tgid.trace:"
                            + lineOf(text, "CPU 1/KVM-16857"),
                    "host-tgid-17020: CPU 1/KVM-17032 (TGID 17020) -> vCPU 1 (named), first at host-tgid.trace:"
                            + lineOf(text, "CPU 1/KVM-17032")), threads);
        }
    }

    @Test
    void shouldReadEveryLineShapeOfTheSameHostTraceAlike() {
        Map<String, List<String>> reference = writesByVm(parse("host-tgid.trace", fixture("host-tgid.trace"),
                ParseOptions.DEFAULTS));
        ParseOptions byThread = ParseOptions.DEFAULTS.withVmMap(BY_THREAD);
        Map<String, ParseOptions> shapes = new LinkedHashMap<>();
        shapes.put("host-tgid-4flags.trace", ParseOptions.DEFAULTS); // ftrace 4 flags, (%5d) TGID column
        shapes.put("host-5flags.trace", byThread); // ftrace 5 flags, no TGID
        shapes.put("host-trace-cmd.trace", byThread); // trace-cmd report, no TGID
        shapes.put("host-perf.trace", ParseOptions.DEFAULTS); // perf script -F +pid: pid/tid
        for (Map.Entry<String, ParseOptions> s : shapes.entrySet()) {
            Map<String, List<String>> got = writesByVm(parse(s.getKey(), fixture(s.getKey()), s.getValue()));
            assertEquals(List.copyOf(reference.values()), List.copyOf(got.values()), s.getKey());
            if (s.getValue() == byThread) {
                assertEquals(reference.keySet(), got.keySet(), "VM names from --vm-map");
            }
        }
    }

    @Test
    void shouldNameVmsFromVmMapByTgidOrFromVmMapRecords() {
        Map<String, List<String>> reference = writesByVm(parse("host-tgid.trace", fixture("host-tgid.trace"),
                ParseOptions.DEFAULTS));
        Map<String, List<String>> mapped = writesByVm(parse("host-tgid.trace", fixture("host-tgid.trace"),
                ParseOptions.DEFAULTS.withVmMap(Map.of(16850L, "q35-seabios", 17020L, "pc-seabios"))));
        assertEquals(List.of("q35-seabios", "pc-seabios"), List.copyOf(mapped.keySet()));
        assertEquals(List.copyOf(reference.values()), List.copyOf(mapped.values()));

        String records = "# mtrr: vm_map pid=16856 vm=q35-seabios\n# mtrr: vm_map pid=16857 vm=q35-seabios\n"
                + "# mtrr: vm_map pid=17031 vm=pc%20seabios\n# mtrr: vm_map pid=17032 vm=pc%20seabios\n";
        Map<String, List<String>> selfDescribing = writesByVm(parse("host-trace-cmd.trace",
                records + fixture("host-trace-cmd.trace"), ParseOptions.DEFAULTS));
        assertEquals(List.of("q35-seabios", "pc seabios"), List.copyOf(selfDescribing.keySet()));
        assertEquals(List.copyOf(reference.values()), List.copyOf(selfDescribing.values()));
    }

    @Test
    void shouldRefuseCollidingVcpuNamesWithoutTgidsNamingBothLinesUnderEveryPolicy() {
        for (String name : List.of("host-5flags.trace", "host-trace-cmd.trace")) {
            String text = fixture(name);
            String first = name + ":" + lineOf(text, "CPU 0/KVM-16856");
            String second = name + ":" + lineOf(text, "CPU 0/KVM-17031");
            for (BadLinePolicy policy : BadLinePolicy.values()) {
                LogParseException ex = assertThrows(LogParseException.class,
                        () -> parse(name, text, ParseOptions.DEFAULTS.withPolicy(policy)));
                String m = ex.getMessage();
                assertTrue(m.startsWith(second + ": vCPU thread 'CPU 0/KVM' of VM '" + name.replace(".trace", "")
                        + "' appears under thread id 16856 at " + first + " and under thread id 17031 at " + second),
                        m);
                assertTrue(m.contains("--vm-map PID=NAME") && m.contains("record-tgid"), "says how to fix it: " + m);
            }
        }
        // perf script without -F +pid prints the thread id alone
        String perf = fixture("host-perf.trace").replaceAll(" +\\d+/(\\d+) +", " $1 ");
        LogParseException ex = assertThrows(LogParseException.class,
                () -> parse("perf.trace", perf, ParseOptions.DEFAULTS));
        assertTrue(ex.getMessage().contains("under thread id 16856 at perf.trace:1 and under thread id 17031 at"),
                ex.getMessage());
    }

    @Test
    void shouldRefuseVmOptionOnATraceOfTwoProcesses() {
        String text = fixture("host-tgid.trace");
        LogParseException ex = assertThrows(LogParseException.class,
                () -> parse("host-tgid.trace", text, ParseOptions.DEFAULTS.withVm("one")));
        assertTrue(ex.getMessage().contains("--vm one names one VM, but this trace holds threads of two processes: "
                + "TGID 16850 (host-tgid.trace:11) and TGID 17020 (host-tgid.trace:" + lineOf(text, "(  17020)")
                + "); drop --vm"), ex.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ParseOptions.DEFAULTS.withVm("one").withVmMap(Map.of(16850L, "a")));
    }

    @Test
    void shouldReportTheMainThreadAndOddlyNamedThreadsAsNotVcpuThreads() {
        String withTgid = """
                 qemu-system-x86-16850   (  16850) [001] .......  8123.400001: kvm_msr: msr_write 2ff = 0x0
                       CPU 0/KVM-16856   (  16850) [007] .......  8123.401121: kvm_cr: cr_write 0 = 0x11
                 qemu-system-x86-16850   (  16850) [001] .......  8123.401500: kvm_msr: msr_write 2ff = 0xc06
                """;
        try (ParsedLog log = open("h.trace", withTgid, ParseOptions.DEFAULTS)) {
            List<MtrrEvent> events = log.readAll();
            assertEquals(1, events.size(), "only the vCPU thread's write is an event");
            assertEquals(0, events.get(0).getVcpu());
            assertEquals(2, log.stats().skipped(SkipKind.NON_VCPU_THREAD));
            assertEquals("h-16850: qemu-system-x86-16850 (TGID 16850) -> not a vCPU thread: main thread of its "
                    + "process, first at h.trace:1", log.stats().threadMappings().get(0).describe());
        }
        String noTgid = """
                       CPU 0/KVM-16856   [007] .......  8123.401121: kvm_cr: cr_write 0 = 0x11
                   qemu-system-x86-613   [001] .......  8123.401500: kvm_msr: msr_write 2ff = 0xc06
                       CPU 1/KVM-16857   [003] .......  8123.402121: kvm_cr: cr_write 0 = 0x11
                """;
        try (ParsedLog log = open("h.trace", noTgid, ParseOptions.DEFAULTS)) {
            assertEquals(List.of(0, 1), log.readAll().stream().map(MtrrEvent::getVcpu).toList());
            ThreadMapping odd = log.stats().threadMappings().get(1);
            assertEquals(-1, odd.vcpu());
            assertEquals(ThreadMapping.How.OTHER_NAME, odd.how());
            assertEquals("h.trace:2", odd.firstLine());
        }
    }

    @Test
    void shouldRefuseNamedThreadsAfterAnUnnamedThreadWasNumbered() {
        String text = """
                 qemu-system-x86-613   [001] .....  10.000001: kvm_msr: msr_write 2ff = 0x0
                       CPU 0/KVM-700   [002] .....  10.000002: kvm_msr: msr_write 2ff = 0x0
                """;
        LogParseException ex = assertThrows(LogParseException.class,
                () -> parse("m.trace", text, ParseOptions.DEFAULTS.withPolicy(BadLinePolicy.SKIP)));
        assertTrue(ex.getMessage().startsWith("m.trace:2: vCPU thread 'CPU 0/KVM-700' at m.trace:2 is named, but "
                + "thread 'qemu-system-x86-613' of the same VM 'm' at m.trace:1 was taken as vCPU 0"), ex.getMessage());
    }

    @Test
    void shouldKeepARecreatedVcpuThreadOfTheSameProcessOnItsVcpu() {
        String text = """
                       CPU 1/KVM-16857   (  16850) [003] .......  10.000001: kvm_cr: cr_write 0 = 0x11
                       CPU 1/KVM-16999   (  16850) [004] .......  20.000001: kvm_cr: cr_write 0 = 0x11
                """;
        List<MtrrEvent> events = parse("r.trace", text, ParseOptions.DEFAULTS);
        assertEquals(List.of(1, 1), events.stream().map(MtrrEvent::getVcpu).toList());
        assertEquals(Set.of("r-16850"), new TreeSet<>(events.stream().map(MtrrEvent::getVm).toList()));
    }

    @Test
    void shouldRejectVmMapRecordsThatComeTooLateOrContradictAndThreadsWithoutTgidAmongTgids() {
        String late = """
                       CPU 0/KVM-16856   (  16850) [007] .......  1.000001: kvm_cr: cr_write 0 = 0x11
                # mtrr: vm_map pid=16850 vm=other
                # mtrr: vm_map pid=17031 vm=b
                # mtrr: vm_map pid=17031 vm=c
                # mtrr: vm_map pid=16856 vm=d
                # mtrr: vm_map pid=x vm=e
                       CPU 0/KVM-17031   (-------) [002] .......  1.000002: kvm_cr: cr_write 0 = 0x11
                       CPU 0/KVM-17040   (-------) [002] .......  1.000003: kvm_cr: cr_write 0 = 0x11
                """;
        try (ParsedLog log = open("l.trace", late, ParseOptions.DEFAULTS.withPolicy(BadLinePolicy.SKIP)
                .withVmMap(Map.of(16856L, "a")))) {
            List<MtrrEvent> events = log.readAll();
            assertEquals(List.of("a", "b"), events.stream().map(MtrrEvent::getVm).toList());
            List<String> reasons = log.rejected().stream().map(r -> r.line() + ": " + r.reason()).toList();
            assertEquals(List.of(
                    "2: pid 16850's lines from l.trace:1 on went to VM 'a': a vm_map record must come before the "
                            + "lines it maps",
                    "4: pid 17031 is already mapped to VM 'b' (l.trace:3)",
                    "5: pid 16856 is already mapped to VM 'a' (--vm-map)",
                    "6: pid: 'x' is not a decimal number of at most 10 digits",
                    "8: thread CPU 0/KVM-17040 has no TGID here and had none before, while other lines of this trace "
                            + "carry one: its VM is unknown; map it with --vm-map 17040=NAME"), reasons);
        }
    }

    @Test
    void shouldPrintTimestampsAsTheTraceDoes() {
        assertEquals("380.398696", TraceTimestamp.format(380_398_696_000L));
        assertEquals("0.000001", TraceTimestamp.format(1_000L));
        assertEquals("3615.602299123", TraceTimestamp.format(3615_602_299_123L));
        assertEquals("12.000000005", TraceTimestamp.format(12_000_000_005L));
        MtrrEvent ns = parse("t.trace", "  CPU 0/KVM-1 [000]  12.000000005: kvm_cr:   cr_write 0 = 0x11\n",
                ParseOptions.DEFAULTS).get(0);
        assertEquals("12.000000005", TraceTimestamp.format(ns.getTimestampNs()));
    }
}
