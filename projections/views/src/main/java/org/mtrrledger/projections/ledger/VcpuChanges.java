package org.mtrrledger.projections.ledger;

import java.util.Arrays;
import java.util.List;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;

/**
 * Which vCPUs (by position in {@link VmState#vcpus()}) had an event, by the VM's {@link VmState#eventCount()} of
 * their last one, for the caches that keep per-vCPU results across events ({@link OnlineEpts}). {@code Fold}
 * mutates at most the event's own vCPU, so a vCPU without an event since then is unchanged. Events folded without
 * this projection (a gap in the event count) and a new vCPU list (a vCPU added, another VM state) count as a change
 * of every vCPU. Part of the memo ({@link GuestMapCache}): not encoded.
 */
final class VcpuChanges {
    private List<VcpuState> vcpus;
    private long[] changedAt = new long[0];
    private long everyChangedAt = Long.MAX_VALUE;
    private long eventCount = Long.MIN_VALUE;
    /** Position of the latest event's vCPU, -1 for a VM-scoped event (or an unknown vCPU). */
    private int latestPosition = -1;

    /** Called once per projected event, after the fold. */
    void record(VmState vm, int eventVcpu) {
        long now = vm.eventCount();
        if (vcpus != vm.vcpus() || now != eventCount + 1) {
            vcpus = vm.vcpus();
            changedAt = new long[vcpus.size()];
            Arrays.fill(changedAt, now);
            everyChangedAt = now;
            latestPosition = -1;
        } else {
            latestPosition = eventVcpu >= 0 ? position(eventVcpu) : -1;
            if (latestPosition >= 0) {
                changedAt[latestPosition] = now;
            }
        }
        eventCount = now;
    }

    /**
     * Whether the latest event is the only one after event count {@code since} and did not change every vCPU: then
     * at most {@link #latestPosition()} changed, and a cache current as of {@code since} need not scan the others.
     */
    boolean onlyLatestSince(long since) {
        return since == eventCount - 1 && everyChangedAt <= since;
    }

    /** Position of the latest event's vCPU, -1 if none. */
    int latestPosition() {
        return latestPosition;
    }

    /** Whether every vCPU counts as changed after event count {@code since}. */
    boolean everyVcpuSince(long since) {
        return everyChangedAt > since;
    }

    /** Whether the vCPU at {@code position} had an event after event count {@code since}. */
    boolean changedSince(int position, long since) {
        return changedAt[position] > since;
    }

    /** Position of vCPU {@code index} (its index when they are numbered 0..n-1), or -1. */
    private int position(int index) {
        if (index < vcpus.size() && vcpus.get(index).index() == index) {
            return index;
        }
        for (int k = 0; k < vcpus.size(); k++) {
            if (vcpus.get(k).index() == index) {
                return k;
            }
        }
        return -1;
    }
}
