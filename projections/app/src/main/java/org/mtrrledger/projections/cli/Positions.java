package org.mtrrledger.projections.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.Position;

/**
 * {@code --at}, {@code --from}, {@code --to} and {@code --offset} of every query command through {@link Position}:
 * a bad form or a point outside the VM's log is a usage error naming the option, and each resolved position is
 * reported on stderr (a {@code #} line in text mode, a JSON line with {@code --json}) so stdout keeps its shape.
 */
final class Positions {
    private Positions() {
    }

    /** The form of {@code given} checked without the store; null when absent. */
    static Position.Spec parse(String option, String given) {
        try {
            return Position.parse(option, given);
        } catch (Position.Invalid e) {
            throw new Args.UsageError(e.getMessage());
        }
    }

    /** Checks forms and, when both are plain offsets, their order: before the store is opened. */
    static void checkRange(String fromOption, String from, String toOption, String to) {
        Position.Spec f = parse(fromOption, from);
        Position.Spec t = parse(toOption, to);
        if (f != null && t != null && f.offset() != null && t.offset() != null && f.offset() > t.offset()) {
            throw new Args.UsageError(fromOption + " " + from + " is after " + toOption + " " + to);
        }
    }

    /** The offset {@code given} names in {@code vm}'s log (null when absent), reported on stderr. */
    static Long resolve(LedgerQueries q, String vm, String option, String given, boolean json) {
        Long offset = offset(q, vm, option, given);
        report(q, vm, option, given, offset, json);
        return offset;
    }

    /**
     * [from, to] in {@code vm}'s log (0 and {@link Long#MAX_VALUE} when absent), reported once both are known; from
     * after to is a usage error. A plain offset bounds the range as given: with several VMs (each in its partition's
     * offsets) a range is a filter, so an end outside one VM's log selects less of it rather than failing.
     */
    static long[] range(LedgerQueries q, String vm, String fromOption, String from, String toOption, String to,
            boolean json) {
        Long f = bound(q, vm, fromOption, from);
        Long t = bound(q, vm, toOption, to);
        long[] r = {f == null ? 0 : f, t == null ? Long.MAX_VALUE : t};
        if (r[1] < r[0]) {
            throw new Args.UsageError(fromOption + " " + from + " (offset " + r[0] + ") is after " + toOption + " "
                    + to + " (offset " + r[1] + ")");
        }
        report(q, vm, fromOption, from, f, json);
        report(q, vm, toOption, to, t, json);
        return r;
    }

    private static Long bound(LedgerQueries q, String vm, String option, String given) {
        Position.Spec spec = parse(option, given);
        return spec != null && spec.offset() != null ? spec.offset() : offset(q, vm, option, given);
    }

    private static Long offset(LedgerQueries q, String vm, String option, String given) {
        Position.Spec spec = parse(option, given);
        try {
            return spec == null ? null : spec.resolve(q, vm);
        } catch (Position.Invalid e) {
            throw new Args.UsageError(e.getMessage());
        }
    }

    /** Says what a position named; a plain offset names itself, so only #N, FILE:LINE and ts: are reported. */
    private static void report(LedgerQueries q, String vm, String option, String given, Long offset, boolean json) {
        Position.Spec spec = parse(option, given);
        if (offset == null || spec.offset() != null) {
            return;
        }
        int partition = q.partition(vm);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("resolved", option);
            m.put("given", given.trim());
            m.put("vm", vm);
            m.put("partition", partition);
            m.put("offset", offset);
            JsonLinesOut.print(System.err, m);
        } else {
            System.err.printf("# %s %s resolved to offset %d of VM %s (partition %d)%n", option, given.trim(), offset,
                    vm, partition);
        }
    }
}
