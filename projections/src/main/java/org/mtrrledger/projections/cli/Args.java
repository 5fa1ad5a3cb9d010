package org.mtrrledger.projections.cli;

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
            return PolicyId.named(s);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--policy: " + e.getMessage());
        }
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
