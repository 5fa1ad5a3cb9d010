package org.mtrrledger.events.parse;

/**
 * How the ftrace parser attributed a host thread to a vCPU, so the CLI can show it.
 *
 * @param vm       VM the thread belongs to
 * @param tid      host thread id printed in the trace ({@code comm-<tid>} or perf's {@code comm <tid>})
 * @param comm     the comm seen when the thread first appeared
 * @param vcpu     vCPU index assigned
 * @param fromComm true if the comm was QEMU's {@code CPU <n>/KVM}; false if {@code vcpu} is the thread's order of
 *                 first appearance in this VM
 */
public record ThreadMapping(String vm, long tid, String comm, int vcpu, boolean fromComm) {
}
