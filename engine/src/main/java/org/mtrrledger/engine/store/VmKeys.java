package org.mtrrledger.engine.store;

import java.util.ArrayDeque;

/**
 * One VM as the tables address it: its id checked and UTF-8 encoded once (the engine writes several keys per event,
 * and checking the id for each would be a measurable share of that), plus what {@link CheckpointTable}'s retention
 * remembers about the VM's newest checkpoints. Opaque above the store: the keys it builds stay inside.
 */
public final class VmKeys {
    private final String vm;
    private final byte[] id;
    private Retention retention;

    /** The offsets {@link CheckpointTable} thins: the newest kept old one, then the dense tail (ascending). */
    static final class Retention {
        /** Checkpoints of the VM written so far (the next one's number). */
        long written;
        long anchor = -1;
        final ArrayDeque<Long> tail = new ArrayDeque<>();
    }

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
    byte[] stateKey() {
        return id.clone();
    }

    /** {@link Keys#vmOffsetKey(String, long)}. */
    byte[] offsetKey(long offset) {
        return Keys.vmOffsetKey(id, offset);
    }

    /** {@link Keys#vmPolicyOffsetKey(String, int, long)}. */
    byte[] policyOffsetKey(int policy, long offset) {
        return Keys.vmPolicyOffsetKey(id, policy, offset);
    }

    Retention retention() {
        return retention;
    }

    void retention(Retention r) {
        retention = r;
    }
}
