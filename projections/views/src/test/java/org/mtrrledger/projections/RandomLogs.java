package org.mtrrledger.projections;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.testing.Ev;

/**
 * Random but plausible event logs for property tests: MTRR writes drawn from the values firmware and Linux use (plus
 * some invalid ones), CR0.CD toggles, lifecycle events and DMA, over a few vCPUs of one VM.
 */
public final class RandomLogs {
    private static final long[] MSRS = {0x2ff, 0x2ff, 0x2ff, 0x250, 0x258, 0x259, 0x268, 0x26c, 0x26f, 0x200, 0x201,
        0x202, 0x203, 0x204, 0x205, 0x277, 0x20f, 0x210, 0xfe};
    private static final long[] VALUES = {0x0, 0xc06, 0x806, 0x406, 0xc00, 0x0606060606060606L, 0x0505050505050505L,
        0x0101010101010101L, 0xc0000000L, 0x80000000L, 0x80000006L, 0x3fffc0000800L, 0x3fff80000800L, 0x800,
        0x3fffc0000000L, 0x0407050600070106L, 0x100, 0x6};

    private RandomLogs() {
    }

    public static List<MtrrEvent> of(String vm, long seed, int n, int vcpus) {
        SplittableRandom r = new SplittableRandom(seed);
        List<MtrrEvent> out = new ArrayList<>(n);
        out.add(Ev.config(vm, 46, r.nextInt(8) != 0, r.nextInt(8) != 0, r.nextInt(3) != 0));
        for (int i = 1; i < n; i++) {
            int v = r.nextInt(vcpus);
            int k = r.nextInt(40);
            if (k < 22) {
                out.add(Ev.msr(vm, v, MSRS[r.nextInt(MSRS.length)], VALUES[r.nextInt(VALUES.length)]));
            } else if (k < 31) {
                out.add(Ev.cr0(vm, v, r.nextBoolean() ? 0x60000011L : r.nextBoolean() ? 0x11L : 0x40000011L));
            } else if (k < 33) {
                out.add(Ev.dmaRegister(vm));
            } else if (k < 34) {
                out.add(Ev.dmaUnregister(vm));
            } else if (k < 37) {
                out.add(Ev.dmaTransfer(vm, 0x1000L * r.nextInt(0x200) + (r.nextBoolean() ? 0x80000000L : 0), 0x3000));
            } else {
                out.add(Ev.lifecycle(vm, v, LifecycleOp.values()[r.nextInt(LifecycleOp.values().length)]));
            }
        }
        return out;
    }
}
