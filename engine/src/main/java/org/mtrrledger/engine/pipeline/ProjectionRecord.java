package org.mtrrledger.engine.pipeline;

/**
 * One output of a projection for one event, stored by the engine in the same write batch as the state.
 *
 * @param kind     which column it goes to
 * @param policyId the zap policy it belongs to (0..255)
 * @param seq      its position among this event's records of the same kind and policy
 * @param value    the encoded record (the projection owns the format)
 */
public record ProjectionRecord(Kind kind, int policyId, int seq, byte[] value) {
    public enum Kind { ZAP, HAZARD }
}
