package org.mtrrledger.engine.pipeline;

import java.util.List;
import org.mtrrledger.engine.store.OutputSpec;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.EventRef;

/**
 * A read-side computation that runs inside the fold loop, after the folds ({@link Folded}; the projections module
 * implements it: zap policies and hazards). Like the fold it must be deterministic and free of
 * I/O, so live consumption, rebuild and time travel produce the same records.
 *
 * <p>A projection owns two kinds of per-VM data: its state {@code S}, which is persisted with the fold state
 * ({@link VmLedger}), and its memo {@code M}, transient working memory kept for one ledger between its events:
 * caches, scratch buffers, and work on the state it defers ({@link #settle}). A memo is never encoded, copied or
 * compared: the ledger settles the state before it encodes, copies or hands it out, and a ledger that is decoded or
 * copied starts with a fresh memo, so a memo must give the same records whether it is warm or new.
 *
 * @param <S> the persisted state
 * @param <M> the memo
 */
public interface Projection<S extends ProjectionState<S>, M> {
    /**
     * The state type: checks a ledger's state where a reader asks for it at this projection's type
     * ({@link VmLedger#projection(Projection)}) or another instance of this projection takes the ledger over.
     */
    Class<S> stateType();

    /**
     * The tables this projection's records go to, indexed by {@link ProjectionRecord#output()}: the store opens their
     * column families beside the engine's ({@link org.mtrrledger.engine.store.LedgerStore#open(java.nio.file.Path,
     * org.mtrrledger.engine.store.OpenMode, org.mtrrledger.engine.store.Durability, List)}), and readers open them
     * typed ({@link org.mtrrledger.engine.store.OutputTable#of}).
     */
    List<OutputSpec<?>> outputs();

    /** The state of a VM before its first event. */
    S initial(String vm);

    S decode(byte[] bytes);

    /** Fresh working memory for one ledger. */
    M newMemo();

    /** Advances {@code state} past one event (at {@code ref}) that the folds took as {@code folded}. */
    List<ProjectionRecord> project(S state, M memo, Folded folded, EventRef ref, MtrrEvent event);

    /**
     * Applies to {@code state} the work {@code memo} deferred, so that the state alone is exact: its encoding, a
     * copy, and what readers see of it. The memo stays usable for the next events.
     */
    void settle(S state, M memo);

    /** The state of a {@link Stateless} projection: empty. */
    enum Empty implements ProjectionState<Empty> {
        INSTANCE;

        private static final byte[] NO_BYTES = new byte[0];

        @Override
        public byte[] encode() {
            return NO_BYTES;
        }

        @Override
        public Empty copy() {
            return this;
        }
    }

    /**
     * A projection that keeps nothing per VM (no state, no memo) and, unless it says otherwise, declares no outputs:
     * only {@link #project} is left to write.
     */
    interface Stateless extends Projection<Empty, Void> {
        @Override
        default Class<Empty> stateType() {
            return Empty.class;
        }

        @Override
        default List<OutputSpec<?>> outputs() {
            return List.of();
        }

        @Override
        default Empty initial(String vm) {
            return Empty.INSTANCE;
        }

        @Override
        default Empty decode(byte[] bytes) {
            return Empty.INSTANCE;
        }

        @Override
        default Void newMemo() {
            return null;
        }

        @Override
        default void settle(Empty state, Void memo) {
        }
    }

    /** For a store without projections, and for replaying the fold state alone: no state, no outputs, no records. */
    Stateless NONE = (state, memo, folded, ref, event) -> List.of();
}
