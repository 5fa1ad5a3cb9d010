package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.MtrrEvent;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * A host trace is single-VM traces interleaved: whatever the interleaving and the line shape that carries the TGID,
 * each QEMU process's lines parse into exactly the events its own trace gives alone.
 */
class HostTraceInterleavingPropertiesTest {
    private static final List<Long> MSRS = List.of(0x2ffL, 0x250L, 0x258L, 0x259L, 0x268L, 0x200L, 0x201L, 0x20fL,
            0x277L, 0x3aL);

    /** The line shapes that carry a TGID: ftrace record-tgid (v5.13+ and older widths) and perf script -F +pid. */
    enum Shape {
        FTRACE_7("%16s-%-7d (%7d) [%03d] ....... %s: %s: %s"),
        FTRACE_OLD("%16s-%-5d (%5d) [%03d] .... %s: %s: %s"),
        PERF("%1$16s %3$7d/%2$-7d [%4$03d] %5$s: kvm:%6$s: %7$s");

        final String format;

        Shape(String format) {
            this.format = format;
        }

        String line(String comm, long tid, long tgid, int cpu, String ts, String event, String payload) {
            return String.format(format, comm, tid, tgid, cpu, ts, event, payload);
        }
    }

    record Write(int vcpu, long msr, long value) {
    }

    /** One QEMU process's trace: vCPU threads tgid+1.., named {@code CPU n/KVM} or all {@code qemu-system-x86}. */
    record VmTrace(long tgid, boolean named, List<Write> writes) {
        List<String> lines(Shape shape, long startUs) {
            List<String> out = new ArrayList<>();
            long us = startUs;
            for (Write w : writes) {
                us += 1 + Math.floorMod(w.value, 997);
                String ts = TraceTimestamp.format(us * 1000);
                String comm = named ? "CPU " + w.vcpu + "/KVM" : "qemu-system-x86";
                out.add(w.msr < 0 ? shape.line(comm, tgid + 1 + w.vcpu, tgid, w.vcpu, ts, "kvm_cr",
                        "cr_write 0 = 0x" + Long.toHexString(w.value & 0xffffffffL))
                        : shape.line(comm, tgid + 1 + w.vcpu, tgid, w.vcpu, ts, "kvm_msr",
                                "msr_write " + Long.toHexString(w.msr) + " = 0x" + Long.toHexString(w.value)));
            }
            return out;
        }
    }

    static Gen<VmTrace> vmTraces(long tgidFrom, long tgidTo) {
        Gen<Write> writes = integers().between(0, 3).zip(integers().between(-1, MSRS.size() - 1), longs().all(),
                (vcpu, m, value) -> new Write(vcpu, m < 0 ? -1 : MSRS.get(m), value));
        return longs().between(tgidFrom, tgidTo).zip(Generate.booleans(), lists().of(writes).ofSizeBetween(1, 30),
                VmTrace::new);
    }

    @Test
    void shouldParseEachProcessOfAnInterleavedHostTraceAsItsOwnTrace() {
        qt().withExamples(300).forAll(vmTraces(1000, 2_000_000), vmTraces(2_000_010, 4_000_000),
                Generate.enumValues(Shape.class), longs().all()).checkAssert((a, b, shape, seed) -> {
                    List<String> la = a.lines(shape, 5_000_000);
                    List<String> lb = b.lines(shape, 5_000_400);
                    List<String> host = new ArrayList<>();
                    Random r = new Random(seed);
                    int i = 0;
                    int j = 0;
                    while (i < la.size() || j < lb.size()) {
                        host.add(j == lb.size() || (i < la.size() && r.nextBoolean()) ? la.get(i++) : lb.get(j++));
                    }
                    Map<String, List<MtrrEvent>> expected = new LinkedHashMap<>();
                    expected.putAll(byVm(parse(la)));
                    expected.putAll(byVm(parse(lb)));
                    assertEquals(2, expected.size());
                    assertEquals(expected, byVm(parse(host)));
                });
    }

    private static List<MtrrEvent> parse(List<String> lines) {
        try (ParsedLog log = new FtraceParser().open("host.trace", new StringReader(String.join("\n", lines)),
                ParseOptions.DEFAULTS)) {
            return log.readAll();
        }
    }

    /** Events by VM without their source lines, which differ between the host trace and the VM's own. */
    private static Map<String, List<MtrrEvent>> byVm(List<MtrrEvent> events) {
        Map<String, List<MtrrEvent>> out = new LinkedHashMap<>();
        for (MtrrEvent e : events) {
            e.setSource(null);
            out.computeIfAbsent(e.getVm(), k -> new ArrayList<>()).add(e);
        }
        return out;
    }
}
