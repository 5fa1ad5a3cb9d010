package org.mtrrledger.engine.pipeline;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.engine.store.CorruptValueException;

/**
 * A VM's complete folded state: KVM's state ({@link VmState}), the seed thread's per-VM copy ({@link PerVmCopy}),
 * the projection state, and the offset of the last event folded into it. This is what the latest-state column and
 * the checkpoints hold ({@link #encode()}).
 *
 * <p>It also carries the projection's memo ({@link Projection#newMemo()}): transient, made on the first step and
 * kept only by this instance, so {@link #copy()}, {@link #decode} and {@link #encode()} never see it.
 */
public final class VmLedger {
    private final VmState vm;
    private final PerVmCopy perVm;
    private final ProjectionState<?> projection;
    private int partition;
    private long lastOffset;
    /** The projection whose {@link #memo} this is: a ledger stepped by another projection gets its own. */
    private Projection<?, ?> memoOwner;
    private Object memo;

    public VmLedger(VmState vm, PerVmCopy perVm, ProjectionState<?> projection, int partition, long lastOffset) {
        this.vm = vm;
        this.perVm = perVm;
        this.projection = projection;
        this.partition = partition;
        this.lastOffset = lastOffset;
    }

    /** The partition that holds this VM's events (all of them: the Kafka key is the VM id), -1 before the first. */
    public int partition() {
        return partition;
    }

    void partition(int p) {
        partition = p;
    }

    public VmState vm() {
        return vm;
    }

    public PerVmCopy perVm() {
        return perVm;
    }

    public ProjectionState<?> projection() {
        return projection;
    }

    /** The projection state as {@code owner}'s type (fails if another projection made this ledger). */
    public <S extends ProjectionState<S>> S projection(Projection<S, ?> owner) {
        return owner.stateType().cast(projection);
    }

    /** {@code owner}'s memo for this ledger, made on first use. */
    <M> M memo(Projection<?, M> owner) {
        if (memoOwner != owner) {
            memo = owner.newMemo();
            memoOwner = owner;
        }
        @SuppressWarnings("unchecked") // made by owner.newMemo(), checked by identity above
        M m = (M) memo;
        return m;
    }

    /** Offset of the last event folded, -1 before the first. */
    public long lastOffset() {
        return lastOffset;
    }

    void lastOffset(long o) {
        lastOffset = o;
    }

    public VmLedger copy() {
        return new VmLedger(vm.copy(), perVm.copy(), projection.copy(), partition, lastOffset);
    }

    /**
     * Layout: partition (4 bytes) | lastOffset (8) | fold-state length (4) | fold state | per-VM copy length (4) |
     * per-VM copy | projection state.
     */
    public byte[] encode() {
        byte[] f = vm.encode();
        byte[] c = encode(perVm);
        byte[] p = projection.encode();
        return ByteBuffer.allocate(20 + f.length + c.length + p.length).putInt(partition).putLong(lastOffset)
                .putInt(f.length).put(f).putInt(c.length).put(c).put(p).array();
    }

    private static byte[] encode(PerVmCopy c) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            c.writeTo(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@link #lastOffset()} of an encoded ledger, read from its header without decoding the states. */
    public static long lastOffsetOf(byte[] bytes) {
        if (bytes.length < 12) {
            throw new CorruptValueException("VM ledger", new IllegalArgumentException(bytes.length + " bytes"));
        }
        return ByteBuffer.wrap(bytes).getLong(4);
    }

    /** The {@link #partition()} of an encoded ledger, read from its header without decoding the states. */
    public static int partitionOf(byte[] bytes) {
        if (bytes.length < 12) {
            throw new CorruptValueException("VM ledger", new IllegalArgumentException(bytes.length + " bytes"));
        }
        return ByteBuffer.wrap(bytes).getInt(0);
    }

    public static VmLedger decode(byte[] bytes, Projection<?, ?> projection) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            int partition = b.getInt();
            long last = b.getLong();
            byte[] f = part(b, "fold state");
            byte[] c = part(b, "per-VM copy");
            byte[] p = new byte[b.remaining()];
            b.get(p);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(c));
            PerVmCopy perVm = PerVmCopy.readFrom(in);
            if (in.available() != 0) {
                throw new IllegalArgumentException("per-VM copy: " + in.available() + " bytes left over");
            }
            return new VmLedger(VmState.decode(f), perVm, projection.decode(p), partition, last);
        } catch (CorruptValueException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptValueException("VM ledger", e);
        }
    }

    /** A length-prefixed part; a length the bytes cannot hold is corruption, not an allocation to attempt. */
    private static byte[] part(ByteBuffer b, String what) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new IllegalArgumentException(what + ": length " + n + " with " + b.remaining() + " bytes left");
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
