package org.mtrrledger.events.parse;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * Parses kvm:kvm_msr / kvm:kvm_cr tracepoint text in the three shapes of domain doc §8: the ftrace buffer
 * ({@code /sys/kernel/tracing/trace}, flag columns of 4, 5 or 7 chars or none), {@code trace-cmd report} (padding
 * after the event name, optional latency flags) and {@code perf script} ({@code comm pid [cpu] ts: kvm:kvm_msr:}),
 * plus the {@code # mtrr:} comment records described in the package documentation.
 *
 * <p>What becomes an event: {@code msr_write <hex> = 0x<hex>[ (#GP)]} → guest {@code MsrWrite} (faulted on #GP),
 * {@code cr_write 0 = 0x<hex>} → {@code Cr0Write}. Reads, writes of other CRs and all other events are counted
 * and skipped. A kvm_msr/kvm_cr line with a malformed payload, or any line that is neither a trace line, a comment,
 * a trace-cmd header nor blank, is bad.
 *
 * <p>VM and vCPU attribution (host traces of many VMs included: TGIDs, {@code --vm-map}, {@code # mtrr: vm_map},
 * refusal of vCPU names that collide across processes, threads that are not vCPU threads): see the package
 * documentation, "Host traces", and {@link ParseStats#threadMappings()}.
 */
public final class FtraceParser implements LogParser {
    @Override
    public LogFormat format() {
        return LogFormat.FTRACE;
    }

    /** Malformed UTF-8 reads as U+FFFD: a comm name may hold any bytes, and the line stays a trace line. */
    @Override
    public ParsedLog open(Path file, ParseOptions options) throws IOException {
        return new ParsedLog(file.toString(), ParsedLog.Lines.of(file, "\uFFFD"), FtraceLineDecoder::new, options);
    }

    @Override
    public ParsedLog open(String fileName, Reader reader, ParseOptions options) {
        return new ParsedLog(fileName, ParsedLog.Lines.of(reader), FtraceLineDecoder::new, options);
    }

    /** The VM id a trace file gets when neither {@code --vm} nor a {@code # mtrr: vm} record names one. */
    public static String defaultVmId(String fileName) {
        String base = fileName;
        int slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
        base = base.substring(slash + 1);
        int dot = base.lastIndexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        return base.isEmpty() || base.indexOf('\0') >= 0 ? "vm" : base;
    }
}
