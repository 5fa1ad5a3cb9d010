/**
 * The JSON shapes of every answer, one renderer per subject, shared by the CLI's {@code --json} (JSON Lines), its
 * {@code --csv} (which flattens these objects) and the HTTP API: {@link EventJson} (events, triggers, audit),
 * {@link StateJson} (VM and vCPU state, MTRR MSRs), {@link MemtypeJson} (memtype maps, diffs, divergence),
 * {@link PolicyJson} (zaps, hazards, policy counters), {@link VmJson} (VM lists) and {@link SkippedJson} (records
 * the fold skipped).
 *
 * <p>Objects are ordered maps (field order is part of the output), 64-bit values are hex strings, every event
 * reference carries topic, partition and offset. Renderers hold no domain facts: names, encodings and constants
 * come from the model and projection types ({@code EventKind}, {@code MtrrMsr}, {@code MemType}, {@code Hazard}).
 */
package org.mtrrledger.projections.render;
