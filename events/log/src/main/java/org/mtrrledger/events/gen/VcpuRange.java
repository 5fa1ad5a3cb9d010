package org.mtrrledger.events.gen;

import java.util.SplittableRandom;

/** vCPUs per VM: a fixed count ({@code min == max}) or a range picked uniformly per VM. Limits follow KVM (1..1024). */
public record VcpuRange(int min, int max) {
    public VcpuRange {
        if (min < 1 || max > 1024 || min > max) {
            throw new IllegalArgumentException("vCPU range must satisfy 1 <= min <= max <= 1024, got " + min + ".." + max);
        }
    }

    public static VcpuRange exactly(int n) {
        return new VcpuRange(n, n);
    }

    int pick(SplittableRandom rnd) {
        return min == max ? min : rnd.nextInt(min, max + 1);
    }
}
