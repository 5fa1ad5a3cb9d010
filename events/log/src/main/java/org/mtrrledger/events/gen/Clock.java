package org.mtrrledger.events.gen;

import java.util.SplittableRandom;

/**
 * The generator's host clock. Strictly increasing across the whole stream (VMs are generated one after another),
 * in whole microseconds like ftrace's default {@code sec.usec} clock, so ftrace output is exact.
 */
final class Clock {
    private long nowNs;

    Clock(long startNs) {
        this.nowNs = startNs;
    }

    /** Time of the next traced instruction: a few µs after the previous one (VM exit + emulation + re-entry). */
    long tick(SplittableRandom rnd) {
        nowNs += rnd.nextLong(1, 25) * 1_000L;
        return nowNs;
    }

    /** A pause between phases (firmware work, kernel decompression, device probing …). */
    void pause(SplittableRandom rnd, long minUs, long maxUs) {
        nowNs += rnd.nextLong(minUs, maxUs + 1) * 1_000L;
    }
}
