package org.mtrrledger.projections.ledger;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.engine.mtrr.MtrrState;
import org.mtrrledger.engine.pipeline.ProjectionState;
import org.mtrrledger.projections.hazard.PossibleSets;
import org.mtrrledger.projections.zap.PolicyId;

/**
 * The zap/hazard projection's per-VM state: for each policy the possible-sets and the running counters. The
 * "already added" memo is an optimisation only (adding the same EPT map twice changes nothing), so it is neither
 * encoded nor copied.
 */
public final class PoliciesState implements ProjectionState {
    static final int POLICIES = PolicyId.values().length;

    final PossibleSets[] possible = new PossibleSets[POLICIES];
    final PolicyCounters[] counters = new PolicyCounters[POLICIES];
    @SuppressWarnings("unchecked")
    final Map<Integer, AddedInput>[] added = new Map[POLICIES];

    /** What a vCPU's EPT map was computed from when it was last added. */
    record AddedInput(MtrrState source, boolean cd, boolean noncoherent, VmSettings settings) {
    }

    PoliciesState() {
        for (int i = 0; i < POLICIES; i++) {
            possible[i] = new PossibleSets();
            counters[i] = new PolicyCounters();
            added[i] = new HashMap<>();
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
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt projection state", e);
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
        return o instanceof PoliciesState s && java.util.Arrays.equals(s.possible, possible)
                && java.util.Arrays.equals(s.counters, counters);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(counters);
    }
}
