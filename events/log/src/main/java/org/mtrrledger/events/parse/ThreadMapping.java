package org.mtrrledger.events.parse;

/**
 * How the ftrace parser attributed a host thread, so the CLI can show it.
 *
 * @param vm        VM the thread belongs to
 * @param tid       host thread id printed in the trace ({@code comm-<tid>}, perf's {@code comm [<tgid>/]<tid>})
 * @param tgid      its process (TGID) where the line carries one, else {@link #NO_TGID}
 * @param comm      the comm seen when the thread first appeared
 * @param vcpu      vCPU index assigned, or -1 for a thread that is not a vCPU thread (its lines are not folded)
 * @param how       why
 * @param firstLine {@code file:line} of the thread's first attributed line
 */
public record ThreadMapping(String vm, long tid, long tgid, String comm, int vcpu, How how, String firstLine) {
    public static final long NO_TGID = -1;

    /** Why a thread got its vCPU (or none). */
    public enum How {
        /** The comm is QEMU's {@code CPU <n>/KVM}. */
        NAMED("named"),
        /** Another comm in a VM none of whose threads is named {@code CPU <n>/KVM}: order of first appearance. */
        ORDER("order of first appearance"),
        /** Thread id = TGID: the process's main thread, which does not run vCPUs in QEMU. */
        MAIN_THREAD("not a vCPU thread: main thread of its process"),
        /** Another comm in a VM whose vCPU threads are named {@code CPU <n>/KVM}. */
        OTHER_NAME("not a vCPU thread: not named 'CPU n/KVM' like this VM's vCPU threads");

        public final String label;

        How(String label) {
            this.label = label;
        }
    }

    public boolean isVcpu() {
        return vcpu >= 0;
    }

    /** One line for a report: {@code VM: comm-tid (TGID t) -> vCPU n (why), first at file:line}. */
    public String describe() {
        return vm + ": " + comm + "-" + tid + (tgid == NO_TGID ? "" : " (TGID " + tgid + ")")
                + (isVcpu() ? " -> vCPU " + vcpu + " (" + how.label + ")" : " -> " + how.label)
                + ", first at " + firstLine;
    }
}
