package org.mtrrledger.engine.pipeline;

/**
 * A projection's per-VM state: what it must know to go on after a restart or from a checkpoint, and nothing it
 * could recompute. Checkpointed with the fold state so that time travel can resume it; {@link #copy()} and
 * {@link #encode()} are exact (a copy, or a decoding of the encoding, projects the same records from then on).
 * Caches, scratch buffers and deferred work belong in the projection's memo ({@link Projection#newMemo()}), never
 * here: the state is what {@link #encode()} writes and nothing more.
 *
 * @param <S> the implementing type
 */
public interface ProjectionState<S extends ProjectionState<S>> {
    byte[] encode();

    S copy();
}
