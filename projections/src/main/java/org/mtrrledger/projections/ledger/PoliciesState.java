package org.mtrrledger.projections.ledger;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.engine.pipeline.ProjectionState;
import org.mtrrledger.projections.hazard.PossibleSets;
import org.mtrrledger.projections.zap.PolicyId;

/**
 * The zap/hazard projection's per-VM state: for each policy the possible-sets and the running counters.
 */
public final class PoliciesState implements ProjectionState {
    static final int POLICIES = PolicyId.values().length;

    final PossibleSets[] possible = new PossibleSets[POLICIES];
    final PolicyCounters[] counters = new PolicyCounters[POLICIES];
    /**
     * KVM's resolution of each MTRR state last seen, by identity, valid while its {@link MtrrState#modCount()} and
     * the settings are unchanged. A cache only: never encoded, not copied.
     */
    final java.util.IdentityHashMap<MtrrState, GuestMap> guestMaps = new java.util.IdentityHashMap<>();
    /** The per-event view of the caches above; a cache too. */
    final GuestMapCache guestMapCache = new GuestMapCache(this);
    /** Scratch list for each policy's zaps of one event (a ledger is projected by one thread at a time). */
    final java.util.List<org.mtrrledger.projections.zap.Zap> zaps = new java.util.ArrayList<>(4);

    /** Resolutions by MTRR content, when the identity above is stale ({@link ResolvedStates}); a cache too. */
    final ResolvedStates resolvedStates = new ResolvedStates();
    /** The resolution of every state with MTRRs disabled (E=0), under its settings; a cache too, null until used. */
    Resolution disabledResolution;

    /** The vCPUs that had events, for {@link #online}. */
    final VcpuChanges vcpuChanges = new VcpuChanges();

    /** By {@code era * sources + source}: every online vCPU's EPT map ({@link OnlineEpts}); a cache, null until used. */
    final OnlineEpts[] online = new OnlineEpts[GuestMapCache.ERAS.length * GuestMapCache.SOURCES];

    /** Per policy, the maps it added since its last zap ({@link AddedMaps}). A cache: not encoded, not copied. */
    final AddedMaps[] added = new AddedMaps[POLICIES];

    /** Canonical instances of the EPT maps in use (see {@link GuestMapCache}); a cache like the one above. */
    final java.util.HashMap<org.mtrrledger.projections.memtype.MemtypeMap,
            org.mtrrledger.projections.memtype.MemtypeMap> interned = new java.util.HashMap<>();

    /** EPT maps cached per (kernel era, CR0.CD, non-coherent DMA): {@code era * 4 + cd * 2 + nc}. */
    static final int EPT_SLOTS = org.mtrrledger.projections.memtype.KernelEra.values().length * 4;

    /**
     * The EPT maps of the slots whose era ignores the guest MTRRs (constant over the GFN space), valid for
     * {@link #constantsSettings}; a cache like the ones above.
     */
    final org.mtrrledger.projections.memtype.MemtypeMap[] constants =
            new org.mtrrledger.projections.memtype.MemtypeMap[EPT_SLOTS];
    org.mtrrledger.engine.fold.VmSettings constantsSettings;

    /**
     * One {@link Resolution} per distinct resolved map, so that MTRR states that resolve alike (every AP once the
     * firmware or the kernel programmed it as the BSP) share the EPT maps derived from it; a cache like the ones
     * above.
     */
    final java.util.HashMap<org.mtrrledger.projections.memtype.MemtypeMap, Resolution> resolutions =
            new java.util.HashMap<>();

    /**
     * The resolution of one MTRR state, valid while its {@link MtrrState#modCount()} is unchanged; updated in place
     * when the state changed (an entry per write would be garbage at once).
     */
    static final class GuestMap {
        long modCount;
        Resolution resolution;

        GuestMap(long modCount, Resolution resolution) {
            this.modCount = modCount;
            this.resolution = resolution;
        }
    }

    /**
     * A resolved map under {@code settings} plus the EPT maps derived from it, one slot per (kernel era, CR0.CD,
     * non-coherent DMA).
     */
    record Resolution(org.mtrrledger.engine.fold.VmSettings settings, org.mtrrledger.projections.memtype.MemtypeMap map,
            org.mtrrledger.projections.memtype.MemtypeMap[] ept) {
    }

    PoliciesState() {
        for (int i = 0; i < POLICIES; i++) {
            possible[i] = new PossibleSets();
            counters[i] = new PolicyCounters();
            added[i] = new AddedMaps();
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
            throw new org.mtrrledger.engine.store.CorruptValueException("projection state", e);
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
