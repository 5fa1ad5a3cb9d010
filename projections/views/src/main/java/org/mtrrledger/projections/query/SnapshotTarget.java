package org.mtrrledger.projections.query;

/** Whose memtype map a snapshot shows: one vCPU's own MTRRs, or the per-VM copy of the dirty-range policy. */
public sealed interface SnapshotTarget {
    record Vcpu(int index) implements SnapshotTarget {
    }

    record PerVmCopy() implements SnapshotTarget {
    }

    SnapshotTarget PER_VM = new PerVmCopy();
}
