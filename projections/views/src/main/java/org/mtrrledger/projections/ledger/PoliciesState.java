package org.mtrrledger.projections.ledger;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.mtrrledger.engine.pipeline.ProjectionState;
import org.mtrrledger.engine.store.CorruptValueException;
import org.mtrrledger.projections.hazard.PossibleSets;
import org.mtrrledger.projections.zap.PolicyId;

/**
 * The zap/hazard projection's per-VM state: for each policy the possible-sets and the running counters. Layout:
 * the policy count (one byte), then per policy in {@link PolicyId} order its {@link PolicyCounters} and its
 * {@link PossibleSets}, and nothing else: caches, scratch and the possible-sets' adds not applied yet live in the
 * projection's memo ({@link PolicyMemo}), so equality and the encoding see the same fields.
 */
public final class PoliciesState implements ProjectionState<PoliciesState> {
    static final int POLICIES = PolicyId.values().length;

    final PossibleSets[] possible = new PossibleSets[POLICIES];
    final PolicyCounters[] counters = new PolicyCounters[POLICIES];

    PoliciesState() {
        for (int i = 0; i < POLICIES; i++) {
            possible[i] = new PossibleSets();
            counters[i] = new PolicyCounters();
        }
    }

    public PolicyCounters counters(PolicyId p) {
        return counters[p.code];
    }

    public PossibleSets possible(PolicyId p) {
        return possible[p.code];
    }

    @Override
    public byte[] encode() {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(1024);
            DataOutputStream out = new DataOutputStream(b);
            out.writeByte(POLICIES);
            for (int i = 0; i < POLICIES; i++) {
                counters[i].writeTo(out);
                possible[i].writeTo(out);
            }
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PoliciesState decode(byte[] bytes) {
        PoliciesState s = new PoliciesState();
        if (bytes.length == 0) {
            return s;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            int n = in.readUnsignedByte();
            for (int i = 0; i < n; i++) {
                s.counters[i] = PolicyCounters.readFrom(in);
                s.possible[i] = PossibleSets.readFrom(in);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            throw new CorruptValueException("projection state", e);
        }
    }

    @Override
    public PoliciesState copy() {
        PoliciesState c = new PoliciesState();
        for (int i = 0; i < POLICIES; i++) {
            c.possible[i] = possible[i].copy();
            c.counters[i] = counters[i].copy();
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoliciesState s && Arrays.equals(s.possible, possible)
                && Arrays.equals(s.counters, counters);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counters);
    }
}
