package org.mtrrledger.engine.store;

/**
 * One VM's keys in the VM-keyed families ({@link Keys} documents the layouts), its id checked and UTF-8 encoded
 * once: the engine writes about three keys per event, and checking the id each time was a measurable share of it.
 */
public final class VmKeys {
    private final String vm;
    private final byte[] id;

    private VmKeys(String vm, byte[] id) {
        this.vm = vm;
        this.id = id;
    }

    /** @throws IllegalArgumentException if {@code vm} cannot be a key (see {@link Keys}) */
    public static VmKeys of(String vm) {
        return new VmKeys(vm, Keys.vmBytes(vm));
    }

    public String vm() {
        return vm;
    }

    /** {@link Keys#vmKey}. */
    public byte[] stateKey() {
        return id.clone();
    }

    /** {@link Keys#vmOffsetKey(String, long)}. */
    public byte[] offsetKey(long offset) {
        return Keys.vmOffsetKey(id, offset);
    }

    /** {@link Keys#vmPolicyOffsetKey(String, int, long, int)}. */
    public byte[] policyOffsetKey(int policy, long offset, int seq) {
        return Keys.vmPolicyOffsetKey(id, policy, offset, seq);
    }
}
