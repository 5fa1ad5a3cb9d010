package org.mtrrledger.events.parse;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;

/** Line-level decoding for {@link FtraceParser}; one instance per file because it tracks threads and the VM. */
final class FtraceLineDecoder implements LineDecoder {
    static {
        org.mtrrledger.events.codec.AvroTrust.install();
    }

    /** Longer lines are rejected before any regex runs (bounds the work per line on garbage input). */
    static final int MAX_LINE = 4096;

    /**
     * All three header shapes. The comm is greedy over at most 64 chars, so the {@code -<pid> [} (or perf's
     * {@code  <pid> [}) split is found from the right: comms contain '-' ({@code qemu-system-x86}) and spaces
     * ({@code CPU 0/KVM}).
     */
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(?<comm>.{1,64})(?:-|\\s++)(?<pid>\\d{1,10})\\s++\\[(?<cpu>\\d{1,5})]"
                    + "\\s++(?:(?<flags>[.A-Za-z0-9]{4,7})\\s++)?(?<sec>\\d{1,12})\\.(?<frac>\\d{1,9}):"
                    + "\\s++(?<event>[A-Za-z0-9_]{1,64}(?::[A-Za-z0-9_]{1,64})?):(?<payload>.*)$");
    private static final Pattern MSR = Pattern.compile(
            "^\\s*msr_(?<rw>write|read) (?<msr>[0-9a-fA-F]{1,16}) = 0x(?<value>[0-9a-fA-F]{1,32})(?<gp> \\(#GP\\))?\\s*$");
    private static final Pattern CR = Pattern.compile(
            "^\\s*cr_(?<rw>write|read) (?<cr>[0-9a-fA-F]{1,8}) = 0x(?<value>[0-9a-fA-F]{1,32})\\s*$");
    private static final Pattern QEMU_VCPU_COMM = Pattern.compile("^CPU (\\d{1,4})/KVM$");
    private static final Pattern TRACE_CMD_HEADER = Pattern.compile(
            "^\\s*(?:cpus=\\d+|version = \\d+|CPU \\d+ is empty|CPU:\\d+ \\[LOST \\d+ EVENTS])\\s*$");
    private static final long[] FRACTION_SCALE = {0, 100_000_000L, 10_000_000L, 1_000_000L, 100_000L, 10_000L,
        1_000L, 100L, 10L, 1L};

    private final ParseStats stats;
    private final Optional<String> vmOverride;
    private final Map<String, VmThreads> threadsByVm = new HashMap<>();
    private String currentVm;

    FtraceLineDecoder(String fileName, ParseOptions options, ParseStats stats) {
        this.stats = stats;
        this.vmOverride = options.vm();
        this.currentVm = vmOverride.orElse(FtraceParser.defaultVmId(fileName));
    }

    @Override
    public LineResult decode(String line) {
        try {
            return decodeOrThrow(line);
        } catch (BadLine bad) {
            return new LineResult.Reject(bad.getMessage());
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
        int vcpu = vcpu(header);
        return checked(new MtrrEvent(currentVm, vcpu, ts, null,
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
        int vcpu = vcpu(header);
        return checked(new MtrrEvent(currentVm, vcpu, ts, null, new Cr0Write(value), null));
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
            return Math.addExact(Math.multiplyExact(Long.parseLong(header.group("sec")), 1_000_000_000L),
                    Long.parseLong(frac) * FRACTION_SCALE[frac.length()]);
        } catch (ArithmeticException e) {
            throw new BadLine("timestamp " + header.group("sec") + "." + frac + " s overflows 64-bit nanoseconds");
        }
    }

    private int vcpu(Matcher header) throws BadLine {
        String comm = header.group("comm").strip();
        long tid = Long.parseLong(header.group("pid"));
        VmThreads threads = threadsByVm.computeIfAbsent(currentVm, vm -> new VmThreads());
        Matcher named = QEMU_VCPU_COMM.matcher(comm);
        if (named.matches()) {
            int vcpu = Integer.parseInt(named.group(1));
            if (vcpu > EventRules.MAX_VCPU) {
                throw new BadLine("comm '" + comm + "' names vCPU " + vcpu + ", outside 0.." + EventRules.MAX_VCPU);
            }
            Integer known = threads.byTid.put(tid, vcpu);
            if (known == null || known != vcpu) {
                threads.used.set(vcpu);
                stats.addThread(new ThreadMapping(currentVm, tid, comm, vcpu, true));
            }
            return vcpu;
        }
        Integer known = threads.byTid.get(tid);
        if (known != null) {
            return known;
        }
        int vcpu = threads.used.nextClearBit(0);
        if (vcpu > EventRules.MAX_VCPU) {
            throw new BadLine("more than " + (EventRules.MAX_VCPU + 1) + " vCPU threads in VM " + currentVm);
        }
        threads.used.set(vcpu);
        threads.byTid.put(tid, vcpu);
        stats.addThread(new ThreadMapping(currentVm, tid, comm, vcpu, false));
        return vcpu;
    }

    private static final class VmThreads {
        final Map<Long, Integer> byTid = new HashMap<>();
        final BitSet used = new BitSet();
    }
}
