package org.mtrrledger.events.parse;

/**
 * An event's {@code timestampNs} in a trace's own {@code <sec>.<frac>} form: 6 fraction digits when it is a whole
 * microsecond (ftrace, perf script and default {@code trace-cmd report} print microseconds), else 9
 * ({@code trace-cmd report -t}). The trace parser reads 1..9 digits into nanoseconds, so a trace timestamp prints as
 * its source had it, except a 9-digit one that ends in {@code 000}, which prints as the same instant in 6.
 */
public final class TraceTimestamp {
    private TraceTimestamp() {
    }

    public static String format(long ns) {
        long frac = ns % 1_000_000_000L;
        boolean micros = frac % 1000 == 0;
        String digits = Long.toString(micros ? frac / 1000 : frac);
        StringBuilder b = new StringBuilder(24).append(ns / 1_000_000_000L).append('.');
        for (int i = digits.length(); i < (micros ? 6 : 9); i++) {
            b.append('0');
        }
        return b.append(digits).toString();
    }

    private static final long[] FRACTION_SCALE = {0, 100_000_000L, 10_000_000L, 1_000_000L, 100_000L, 10_000L,
        1_000L, 100L, 10L, 1L};
    private static final java.util.regex.Pattern FORM = java.util.regex.Pattern.compile("(\\d{1,12})(?:\\.(\\d{1,9}))?");

    /** Seconds and 1..9 fraction digits as nanoseconds; ArithmeticException when that overflows 64 bits. */
    public static long nanos(String sec, String frac) {
        return Math.addExact(Math.multiplyExact(Long.parseLong(sec), 1_000_000_000L),
                frac.isEmpty() ? 0 : Long.parseLong(frac) * FRACTION_SCALE[frac.length()]);
    }

    /** {@code <sec>[.<frac>]} as nanoseconds, or null when {@code s} is not of that form. */
    public static Long parse(String s) {
        java.util.regex.Matcher m = FORM.matcher(s.trim());
        return m.matches() ? nanos(m.group(1), m.group(2) == null ? "" : m.group(2)) : null;
    }
}
