package org.mtrrledger.events.parse;

import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.Map;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.Hex;

/**
 * Writes what {@link FtraceParser} reads. Traced guest writes with a timestamp become ftrace buffer lines in the
 * 5-flag-column shape of v6.3-era kernels ({@code %16s-%-7d [%03d] ..... %6lu.%06lu: kvm_msr: …}) under QEMU's
 * vCPU thread name {@code CPU <n>/KVM}, so the vCPU survives the round trip. Everything the tracepoints cannot
 * carry (VM config, lifecycle, host-initiated writes, DMA, untimed guest writes) becomes a {@code # mtrr:} record,
 * and a {@code # mtrr: vm <id>} record precedes each change of VM. Timestamps keep full nanosecond precision: the
 * fraction has 6 digits when the value is a whole microsecond, 9 otherwise (the parser accepts 1..9).
 * {@link Shape#TRACE_CMD_REPORT} writes the same lines as {@code trace-cmd report} prints them instead.
 */
public final class FtraceWriter implements LogWriter {
    /** The line shape of traced writes. */
    public enum Shape {
        /** {@code /sys/kernel/tracing/trace}: a 5-character flags column, event name then one space. */
        FTRACE,
        /** {@code trace-cmd report}: no flags column, the event name padded to 20 columns. */
        TRACE_CMD_REPORT
    }

    private static final int FIRST_TID = 4000;

    private final Writer out;
    private final Shape shape;
    private final Map<String, Map<Integer, Integer>> tids = new HashMap<>();
    private final StringBuilder line = new StringBuilder(128);
    private String currentVm;
    private int nextTid = FIRST_TID;
    private boolean headerWritten;

    public FtraceWriter(Writer out) {
        this(out, Shape.FTRACE);
    }

    public FtraceWriter(Writer out, Shape shape) {
        this.out = out;
        this.shape = shape;
    }

    @Override
    public void write(MtrrEvent e) throws IOException {
        LogWriter.requireValid(e);
        if (!headerWritten) {
            out.write("# tracer: nop\n#\n# mtrr-ledger FtraceWriter: kvm:kvm_msr/kvm:kvm_cr lines plus '# mtrr:' records\n");
            headerWritten = true;
        }
        if (!e.getVm().equals(currentVm)) {
            out.write(CommentRecords.formatVmSwitch(e.getVm()));
            out.write('\n');
            currentVm = e.getVm();
        }
        Object p = e.getPayload();
        boolean traced = e.getTimestampNs() != null
                && ((p instanceof MsrWrite w && !w.getHostInitiated()) || p instanceof Cr0Write);
        if (!traced) {
            out.write(CommentRecords.format(e));
            out.write('\n');
            return;
        }
        line.setLength(0);
        int vcpu = e.getVcpu();
        pad(line, "CPU " + vcpu + "/KVM", 16).append('-');
        int tid = tid(e.getVm(), vcpu);
        int start = line.length();
        line.append(tid);
        while (line.length() - start < 7) {
            line.append(' ');
        }
        line.append(" [");
        String cpu = Integer.toString(vcpu);
        for (int i = cpu.length(); i < 3; i++) {
            line.append('0');
        }
        line.append(cpu).append(shape == Shape.FTRACE ? "] ..... " : "] ");
        appendTimestamp(line, e.getTimestampNs());
        line.append(": ");
        appendEvent(line, p instanceof MsrWrite ? "kvm_msr:" : "kvm_cr:");
        if (p instanceof MsrWrite w) {
            line.append("msr_write ").append(Long.toHexString(w.getMsr()))
                    .append(" = ").append(Hex.of(w.getValue()));
            if (w.getFaulted()) {
                line.append(" (#GP)");
            }
        } else {
            line.append("cr_write 0 = ").append(Hex.of(((Cr0Write) p).getValue()));
        }
        line.append('\n');
        out.append(line);
    }

    private void appendEvent(StringBuilder b, String event) {
        b.append(event);
        if (shape == Shape.TRACE_CMD_REPORT) {
            for (int i = event.length(); i < 20; i++) {
                b.append(' ');
            }
        }
        b.append(' ');
    }

    private int tid(String vm, int vcpu) {
        return tids.computeIfAbsent(vm, k -> new HashMap<>()).computeIfAbsent(vcpu, k -> nextTid++);
    }

    private static StringBuilder pad(StringBuilder b, String text, int width) {
        for (int i = text.length(); i < width; i++) {
            b.append(' ');
        }
        return b.append(text);
    }

    /** {@code %6lu.%06lu} as the kernel prints it, with 9 fraction digits where the time is not whole µs. */
    private static void appendTimestamp(StringBuilder b, long ns) {
        String ts = TraceTimestamp.format(ns);
        for (int i = ts.indexOf('.'); i < 6; i++) {
            b.append(' ');
        }
        b.append(ts);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
