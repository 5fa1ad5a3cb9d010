package org.mtrrledger.events.parse;

/** Why a line produced no event although it was not bad. Counted in {@link ParseStats}. */
public enum SkipKind {
    /** kvm_msr msr_read (reads never change state). */
    MSR_READ,
    /** kvm_cr cr_read. */
    CR_READ,
    /** kvm_cr cr_write to a CR other than CR0 (CR3, CR4, CR8 …); see {@link ParseStats#otherCrWrites()}. */
    CR_WRITE_OTHER,
    /** A well-formed trace line of any other event (kvm_exit, kvm_entry, sched_switch …). */
    OTHER_EVENT,
    /** A {@code #} line that is not an {@code # mtrr:} record (ftrace headers included). */
    COMMENT,
    /** An empty or whitespace-only line. */
    BLANK,
    /**
     * A kvm_msr/kvm_cr write of a thread that is not a vCPU thread (see {@link ThreadMapping.How}): reported in
     * {@link ParseStats#threadMappings()}, never folded.
     */
    NON_VCPU_THREAD,
    /** trace-cmd report preamble such as {@code cpus=8}, {@code version = 6}, {@code CPU 3 is empty}. */
    HEADER
}
