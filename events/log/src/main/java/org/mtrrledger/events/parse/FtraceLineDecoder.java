package org.mtrrledger.events.parse;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.Hex;

/**
 * Line-level decoding for {@link FtraceParser}; one instance per file because it tracks threads, processes and the
 * current VM. It names lines in messages by the parse's line count ({@link ParseStats#lines()}), which counts the
 * line being decoded and every line before it, including those refused before decoding.
 */
final class FtraceLineDecoder implements LineDecoder {
    static {
        org.mtrrledger.events.codec.AvroTrust.install();
    }

    /**
     * Longer lines are rejected before any regex runs: it bounds the work per line on garbage input, and a trace line
     * is under 300 characters. Tighter than {@link LogParser#MAX_LINE_BYTES}, which bounds the memory of both formats.
     */
    static final int MAX_LINE = 4096;

    /**
     * All three header shapes. The comm is greedy over at most 64 chars, so the {@code -<pid> [} (or perf's
     * {@code  <pid> [}) split is found from the right: comms contain '-' ({@code qemu-system-x86}) and spaces
     * ({@code CPU 0/KVM}). The TGID is ftrace's {@code record-tgid} column {@code (%7d)} ({@code (-------)} when
     * unknown; {@code %5d} before v5.13) or perf's {@code <pid>/<tid>} ({@code -F +pid}).
     */
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(?<comm>.{1,64})(?:-|\\s++)(?:(?<ptgid>\\d{1,10})/)?(?<pid>\\d{1,10})"
                    + "\\s++(?:\\((?:\\s*+(?<tgid>\\d{1,10})|-++)\\)\\s++)?\\[(?<cpu>\\d{1,5})]"
                    + "\\s++(?:(?<flags>[.A-Za-z0-9]{4,7})\\s++)?(?<sec>\\d{1,12})\\.(?<frac>\\d{1,9}):"
                    + "\\s++(?<event>[A-Za-z0-9_]{1,64}(?::[A-Za-z0-9_]{1,64})?):(?<payload>.*)$");
    private static final Pattern MSR = Pattern.compile(
            "^\\s*msr_(?<rw>write|read) (?<msr>[0-9a-fA-F]{1,16}) = 0x(?<value>[0-9a-fA-F]{1,32})(?<gp> \\(#GP\\))?\\s*$");
    private static final Pattern CR = Pattern.compile(
            "^\\s*cr_(?<rw>write|read) (?<cr>[0-9a-fA-F]{1,8}) = 0x(?<value>[0-9a-fA-F]{1,32})\\s*$");
    private static final Pattern TRACE_CMD_HEADER = Pattern.compile(
            "^\\s*(?:cpus=\\d+|version = \\d+|CPU \\d+ is empty|CPU:\\d+ \\[LOST \\d+ EVENTS])\\s*$");
    private static final LineResult.Skip NON_VCPU = new LineResult.Skip(SkipKind.NON_VCPU_THREAD);

    private final ParseStats stats;
    private final Optional<String> vmOverride;
    private final HostThreads threads;
    private String currentVm;

    FtraceLineDecoder(String fileName, ParseOptions options, ParseStats stats) {
        this.stats = stats;
        this.vmOverride = options.vm();
        this.currentVm = vmOverride.orElse(FtraceParser.defaultVmId(fileName));
        this.threads = new HostThreads(fileName, options, stats);
    }

    @Override
    public LineResult decode(String line) {
        try {
            return decodeOrThrow(line);
        } catch (BadLine bad) {
            return bad.wholeFile ? new LineResult.Refuse(bad.getMessage()) : new LineResult.Reject(bad.getMessage());
        }
    }

    private LineResult decodeOrThrow(String line) throws BadLine {
        if (line.isBlank()) {
            return LineResult.BLANK;
        }
        if (line.length() > MAX_LINE) {
            throw new BadLine("line longer than " + MAX_LINE + " characters, expected a trace line");
        }
        String trimmed = line.strip();
        if (trimmed.startsWith("#")) {
            return comment(trimmed.substring(1).stripLeading());
        }
        if (TRACE_CMD_HEADER.matcher(line).matches()) {
            return new LineResult.Skip(SkipKind.HEADER);
        }
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new BadLine("not a trace line, expected '<comm>-<pid> [<cpu>] [<flags>] <sec>.<usec>: <event>: "
                    + "<payload>' (ftrace/trace-cmd) or '<comm> <pid> [<cpu>] <sec>.<usec>: <system>:<event>: "
                    + "<payload>' (perf script)");
        }
        String event = m.group("event");
        String name = event.startsWith("kvm:") ? event.substring(4) : event;
        return switch (name) {
            case "kvm_msr" -> msr(m);
            case "kvm_cr" -> cr(m);
            default -> {
                stats.countOtherEvent(event);
                yield new LineResult.Skip(SkipKind.OTHER_EVENT);
            }
        };
    }

    private LineResult comment(String afterHash) throws BadLine {
        if (!afterHash.startsWith("mtrr:")) {
            return LineResult.COMMENT;
        }
        CommentRecords.Record record = CommentRecords.decode(afterHash.substring(5), currentVm);
        if (record instanceof CommentRecords.VmSwitch s) {
            Optional<String> bad = EventRules.vmIdViolation(s.vm());
            if (bad.isPresent()) {
                throw new BadLine(bad.get());
            }
            if (vmOverride.isEmpty()) {
                currentVm = s.vm();
            }
            return LineResult.COMMENT;
        }
        if (record instanceof CommentRecords.VmMap m) {
            Optional<String> bad = EventRules.vmIdViolation(m.vm());
            if (bad.isPresent()) {
                throw new BadLine(bad.get());
            }
            threads.map(m.pid(), m.vm(), stats.lines());
            return LineResult.COMMENT;
        }
        return checked(((CommentRecords.EventRecord) record).event());
    }

    private LineResult msr(Matcher header) throws BadLine {
        Matcher p = MSR.matcher(header.group("payload"));
        if (!p.matches()) {
            throw new BadLine("malformed kvm_msr payload, expected 'msr_write|msr_read <hex msr> = 0x<hex value>"
                    + "[ (#GP)]'");
        }
        long msr = hex(p.group("msr"), 32, "msr");
        long value = hex(p.group("value"), 64, "value");
        if (p.group("rw").equals("read")) {
            return new LineResult.Skip(SkipKind.MSR_READ);
        }
        long ts = timestamp(header);
        HostThreads.Attribution at = attribute(header);
        if (at.vcpu() < 0) {
            return NON_VCPU;
        }
        return checked(new MtrrEvent(at.vm(), at.vcpu(), ts, null,
                new MsrWrite(msr, value, false, p.group("gp") != null), null));
    }

    private LineResult cr(Matcher header) throws BadLine {
        Matcher p = CR.matcher(header.group("payload"));
        if (!p.matches()) {
            throw new BadLine("malformed kvm_cr payload, expected 'cr_write|cr_read <hex cr> = 0x<hex value>'");
        }
        int cr = (int) hex(p.group("cr"), 32, "cr");
        long value = hex(p.group("value"), 64, "value");
        if (p.group("rw").equals("read")) {
            return new LineResult.Skip(SkipKind.CR_READ);
        }
        if (cr != 0) {
            stats.countOtherCrWrite(cr);
            return new LineResult.Skip(SkipKind.CR_WRITE_OTHER);
        }
        long ts = timestamp(header);
        HostThreads.Attribution at = attribute(header);
        if (at.vcpu() < 0) {
            return NON_VCPU;
        }
        return checked(new MtrrEvent(at.vm(), at.vcpu(), ts, null, new Cr0Write(value), null));
    }

    private static LineResult checked(MtrrEvent event) throws BadLine {
        Optional<String> violation = EventRules.violation(event);
        if (violation.isPresent()) {
            throw new BadLine(violation.get());
        }
        return new LineResult.Emit(event);
    }

    private static long hex(String digits, int bits, String what) throws BadLine {
        try {
            return Hex.parseDigits(digits, bits);
        } catch (NumberFormatException e) {
            throw new BadLine(what + ": " + e.getMessage());
        }
    }

    private static long timestamp(Matcher header) throws BadLine {
        String frac = header.group("frac");
        try {
            return TraceTimestamp.nanos(header.group("sec"), frac);
        } catch (ArithmeticException e) {
            throw new BadLine("timestamp " + header.group("sec") + "." + frac + " s overflows 64-bit nanoseconds");
        }
    }

    private HostThreads.Attribution attribute(Matcher header) throws BadLine {
        String tgid = header.group("tgid") != null ? header.group("tgid") : header.group("ptgid");
        return threads.attribute(header.group("comm").strip(), Long.parseLong(header.group("pid")),
                tgid == null ? ThreadMapping.NO_TGID : Long.parseLong(tgid), currentVm, stats.lines());
    }
}
