package org.mtrrledger.projections.query;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.parse.TraceTimestamp;

/**
 * A point in a VM's log named the way its user knows it, for {@code --at}/{@code --from}/{@code --to} of every
 * command and {@code at}/{@code from}/{@code to} of the API: a Kafka offset of the VM's partition ({@code 812}),
 * the VM's Nth event counted from 1 ({@code #120}), the event read from a source line ({@code boot.trace:812}, the
 * file as stored or its basename) or a trace timestamp ({@code ts:1404.389373}: the VM's last event at or before it).
 * Parsing checks the form alone (no store needed), {@link Spec#resolve} finds the offset in the store.
 */
public final class Position {
    /** The forms, for help texts and errors. */
    public static final String FORMS = "an offset, #N (the VM's Nth event, from 1), FILE:LINE (an event's source "
            + "line) or ts:SEC.FRAC (the last event at or before that trace timestamp)";

    private static final Pattern OFFSET = Pattern.compile("\\d{1,18}");
    private static final Pattern NTH = Pattern.compile("#(\\d{1,18})");
    private static final Pattern SOURCE = Pattern.compile("(.+):(\\d{1,18})");

    private Position() {
    }

    /** A position that is not of any form, or not in the VM's log; {@code outOfRange} tells which. */
    public static final class Invalid extends IllegalArgumentException {
        private final String parameter;
        private final boolean outOfRange;

        Invalid(String parameter, String message, boolean outOfRange) {
            super(message);
            this.parameter = parameter;
            this.outOfRange = outOfRange;
        }

        public String parameter() {
            return parameter;
        }

        public boolean outOfRange() {
            return outOfRange;
        }
    }

    /** A position as its user wrote it ({@code name} is the option or parameter, for messages). */
    public record Spec(String name, String given, Long offset, Long nth, String file, Long line, Long tsNs) {
        /** The offset this position names in {@code vm}'s log; an {@link Invalid} when the log has no such point. */
        public long resolve(LedgerQueries q, String vm) {
            long last = q.lastOffset(vm);
            if (offset != null) {
                long first = q.firstOffset(vm);
                if (offset < first || offset > last) {
                    throw new Invalid(name, name + " " + given + " is outside VM " + vm + "'s log: its events are at "
                            + "offsets " + first + ".." + last + " of partition " + q.partition(vm), true);
                }
                return offset;
            }
            long[] found = {-1, 0};
            q.events(vm, 0, Long.MAX_VALUE, e -> {
                found[1]++;
                if (nth != null) {
                    found[0] = found[1] == nth ? e.offset() : -1;
                    return found[1] < nth;
                }
                if (tsNs != null) {
                    Long ts = e.event().getTimestampNs();
                    if (ts != null && ts <= tsNs) {
                        found[0] = e.offset();
                    }
                    return ts == null || ts <= tsNs;
                }
                if (e.event().getSource() instanceof FilePosition f && f.getLine() == line
                        && (f.getFile().equals(file) || basename(f.getFile()).equals(file))) {
                    found[0] = e.offset();
                    return false;
                }
                return true;
            });
            if (found[0] >= 0) {
                return found[0];
            }
            String why = nth != null ? "VM " + vm + " has " + found[1] + " events (#1..#" + found[1] + ")"
                    : tsNs != null ? "VM " + vm + " has no timestamped event at or before " + given.substring(3)
                    : "no event of VM " + vm + " was read from " + file + " line " + line;
            throw new Invalid(name, name + " " + given + ": " + why, true);
        }
    }

    /** Parses {@code given} (null when absent); an {@link Invalid} naming {@code name} when it has no known form. */
    public static Spec parse(String name, String given) {
        if (given == null) {
            return null;
        }
        String s = given.trim();
        if (OFFSET.matcher(s).matches()) {
            return new Spec(name, s, Long.parseLong(s), null, null, null, null);
        }
        Matcher m = NTH.matcher(s);
        if (m.matches() && Long.parseLong(m.group(1)) > 0) {
            return new Spec(name, s, null, Long.parseLong(m.group(1)), null, null, null);
        }
        if (s.startsWith("ts:")) {
            Long ns;
            try {
                ns = TraceTimestamp.parse(s.substring(3));
            } catch (ArithmeticException e) {
                ns = null;
            }
            if (ns != null) {
                return new Spec(name, s, null, null, null, null, ns);
            }
        }
        m = SOURCE.matcher(s);
        if (m.matches() && !s.startsWith("ts:")) {
            return new Spec(name, s, null, null, m.group(1), Long.parseLong(m.group(2)), null);
        }
        throw new Invalid(name, name + " " + given + ": not a position: use " + FORMS, false);
    }

    private static String basename(String file) {
        return file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    }
}
