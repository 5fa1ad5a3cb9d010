package org.mtrrledger.engine.pipeline;

/**
 * One output of a projection for one event, stored by the engine in the same write batch as the state.
 *
 * @param output   which of the projection's declared tables it goes to: an index into {@link Projection#outputs()}
 * @param policyId the zap policy it belongs to (0..255)
 * @param seq      its position among this event's records of the same output and policy
 * @param value    the record, encoded by the output's codec (the projection owns the format)
 */
public record ProjectionRecord(int output, int policyId, int seq, byte[] value) {
}
