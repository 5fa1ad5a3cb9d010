package org.mtrrledger.events.gen;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Runs several vCPUs' instruction lists "concurrently", as {@code stop_machine()} or MpInitLib's StartupAllAPs do.
 * On KVM each step picks a random vCPU that still has work, so the global order is shuffled while every vCPU's own
 * order is kept. Under TCG ({@link Scenarios#tcg}) one vCPU runs at a time: each list runs whole, the vCPUs in turn
 * from a random one on, as the captures show (samples/captures/ovmf-linux-8vcpu-16g-q35-dma.trace:1518-1599 runs
 * the rendezvous on vCPUs 4, 5, 6, 7, 0, 1, 2, 3).
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
        if (sink.tcg) {
            int first = queues.isEmpty() ? 0 : sink.rnd.nextInt(queues.size());
            for (int i = 0; i < queues.size(); i++) {
                int pick = (first + i) % queues.size();
                for (GuestOp op : queues.get(pick)) {
                    sink.guest(ids.get(pick), op);
                }
            }
            return;
        }
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
