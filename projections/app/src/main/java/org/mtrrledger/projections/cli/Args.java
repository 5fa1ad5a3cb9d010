package org.mtrrledger.projections.cli;

import org.mtrrledger.events.model.Hex;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.zap.PolicyId;
import picocli.CommandLine;

/** Parses named values into types, turning a bad value into a usage error (exit 2). */
final class Args {
    private Args() {
    }

    static GuestMtrrResolver resolver(String s) {
        try {
            return GuestMtrrResolver.named(s);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--resolver: " + e.getMessage());
        }
    }

    static KernelEra kernel(String s) {
        try {
            return KernelEra.named(s);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--kernel: " + e.getMessage());
        }
    }

    static PolicyId policy(String s) {
        try {
            return org.mtrrledger.projections.query.Names.policy(s);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--policy: " + e.getMessage());
        }
    }

    /** A GPA or GFN in hex ({@code 0x...}) or decimal; a bad one is a usage error naming {@code option}. */
    static Long number(String option, String s) {
        if (s == null) {
            return null;
        }
        try {
            return Hex.parse(s.trim());
        } catch (NumberFormatException e) {
            throw new UsageError(option + " " + s + ": not a number (0x... hex or decimal, no unit)");
        }
    }

    /** A size such as {@code 4G}, {@code 3072M}, {@code 16GiB} or plain bytes; a bad one is a usage error naming {@code option}. */
    static long bytes(String option, String s) {
        String t = s.trim().toUpperCase(java.util.Locale.ROOT).replace("IB", "").replace("B", "");
        long mult = 1;
        if (!t.isEmpty() && Character.isLetter(t.charAt(t.length() - 1))) {
            mult = switch (t.charAt(t.length() - 1)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                case 'G' -> 1L << 30;
                case 'T' -> 1L << 40;
                default -> throw new UsageError(option + ": unknown unit in '" + s + "' (K, M, G or T)");
            };
            t = t.substring(0, t.length() - 1).trim();
        }
        try {
            long n = Long.parseLong(t);
            if (n <= 0 || n > Long.MAX_VALUE / mult) {
                throw new UsageError(option + ": '" + s + "' is not a positive size");
            }
            return n * mult;
        } catch (NumberFormatException e) {
            throw new UsageError(option + ": '" + s + "' is not a size such as 4G or 3072M");
        }
    }

    /** A duration such as {@code 90s}, {@code 30m}, {@code 2h}; a bad one is a usage error naming {@code option}. */
    static java.time.Duration duration(String option, String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smh])").matcher(s.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new UsageError(option + ": '" + s + "' is not a duration such as 90s, 30m or 2h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            default -> java.time.Duration.ofHours(n);
        };
    }

    /** A bad option value found after parsing: reported like picocli's own usage errors. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    static int exitCodeOf(Exception e, CommandLine cmd) {
        return e instanceof UsageError ? 2 : 1;
    }
}
