package org.mtrrledger.engine.pipeline;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.engine.store.CorruptValueException;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.EventRef;

/**
 * A VM's complete folded state: KVM's state ({@link VmState}), the seed thread's per-VM copy ({@link PerVmCopy}),
 * the projection state, and the offset of the last event folded into it. This is what the latest-state column and
 * the checkpoints hold ({@link #encode()}).
 *
 * <p>It also carries the projection's memo ({@link Projection#newMemo()}): transient, made on the first step and
 * kept only by this instance. Whatever the memo deferred is applied to the state ({@link Projection#settle}) before
 * the state is encoded, copied or handed out, so {@link #copy()}, {@link #decode}, {@link #encode()} and the
 * readers never see the memo.
 */
public final class VmLedger {
    private final VmState vm;
    private final PerVmCopy perVm;
    private Bound<?, ?> projection;
    private int partition;
    private long lastOffset;

    private VmLedger(VmState vm, PerVmCopy perVm, Bound<?, ?> projection, int partition, long lastOffset) {
        this.vm = vm;
        this.perVm = perVm;
        this.projection = projection;
        this.partition = partition;
        this.lastOffset = lastOffset;
    }

    /** A VM's ledger before its first event, its projection state {@code p}'s initial one. */
    static <S extends ProjectionState<S>, M> VmLedger initial(String vm, Projection<S, M> p) {
        return new VmLedger(VmState.empty(vm), PerVmCopy.empty(), new Bound<>(p, p.initial(vm)), -1, -1);
    }

    /**
     * A projection's state bound to the projection that steps it and to that projection's memo, so that state and
     * memo are handed to it at their own types.
     */
    private static final class Bound<S extends ProjectionState<S>, M> {
        final Projection<S, M> owner;
        final S state;
        /** Made at the first step ({@link #hasMemo}): a ledger that is only read never makes one. */
        private M memo;
        private boolean hasMemo;

        Bound(Projection<S, M> owner, S state) {
            this.owner = owner;
            this.state = state;
        }

        List<ProjectionRecord> project(Folded folded, EventRef ref, MtrrEvent event) {
            if (!hasMemo) {
                memo = owner.newMemo();
                hasMemo = true;
            }
            return owner.project(state, memo, folded, ref, event);
        }

        /** The state with the memo's deferred work applied. */
        S settled() {
            if (hasMemo) {
                owner.settle(state, memo);
            }
            return state;
        }

        Bound<S, M> copy() {
            return new Bound<>(owner, settled().copy());
        }

        /**
         * This state, settled, bound to {@code p} with a fresh memo: a ledger one projection instance made, stepped
         * by another. The state must be of {@code p}'s type (checked: a ledger of another projection is refused).
         */
        <T extends ProjectionState<T>, N> Bound<T, N> rebind(Projection<T, N> p) {
            return new Bound<>(p, p.stateType().cast(settled()));
        }
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

    /**
     * The projection state, settled ({@link Projection#settle}). Live, not a copy: valid until the ledger's next step,
     * which may defer work into the memo again; read it again after stepping.
     */
    public ProjectionState<?> projection() {
        return projection.settled();
    }

    /** The projection state as {@code owner}'s type (fails if another projection made this ledger). */
    public <S extends ProjectionState<S>> S projection(Projection<S, ?> owner) {
        return owner.stateType().cast(projection());
    }

    /** Runs {@code p} on this ledger's state and memo (bound to {@code p} first if another instance stepped it). */
    List<ProjectionRecord> project(Projection<?, ?> p, Folded folded, EventRef ref, MtrrEvent event) {
        if (projection.owner != p) {
            projection = projection.rebind(p);
        }
        return projection.project(folded, ref, event);
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
        byte[] p = projection.settled().encode();
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
            return new VmLedger(VmState.decode(f), perVm, decodeState(projection, p), partition, last);
        } catch (CorruptValueException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptValueException("VM ledger", e);
        }
    }

    private static <S extends ProjectionState<S>, M> Bound<S, M> decodeState(Projection<S, M> p, byte[] bytes) {
        return new Bound<>(p, p.decode(bytes));
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
