package org.mtrrledger.events.gen;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Runs several vCPUs' instruction lists "concurrently", as {@code stop_machine()} or MpInitLib's StartupAllAPs do:
 * each step picks a random vCPU that still has work, so the global order is shuffled while every vCPU's own order
 * is kept.
 */
final class Interleaver {
    private Interleaver() {
    }

    static void run(VmSink sink, Map<Integer, List<GuestOp>> perVcpu) {
        List<Integer> ids = new ArrayList<>();
        List<Deque<GuestOp>> queues = new ArrayList<>();
        perVcpu.forEach((vcpu, ops) -> {
            if (!ops.isEmpty()) {
                ids.add(vcpu);
                queues.add(new ArrayDeque<>(ops));
            }
        });
        while (!queues.isEmpty()) {
            int pick = sink.rnd.nextInt(queues.size());
            sink.guest(ids.get(pick), queues.get(pick).poll());
            if (queues.get(pick).isEmpty()) {
                queues.remove(pick);
                ids.remove(pick);
            }
        }
    }
}
