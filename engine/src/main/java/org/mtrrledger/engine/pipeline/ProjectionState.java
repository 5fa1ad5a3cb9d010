package org.mtrrledger.engine.pipeline;

/** A projection's per-VM state: checkpointed with the fold state so that time travel can resume it. */
public interface ProjectionState {
    byte[] encode();

    ProjectionState copy();
}
