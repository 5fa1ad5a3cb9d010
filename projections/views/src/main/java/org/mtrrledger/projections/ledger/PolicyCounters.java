package org.mtrrledger.projections.ledger;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.mtrrledger.events.model.GfnRange;

/** Running totals of one policy for one VM: what {@code mtrr policies} reports. Mutable, owned by the projection. */
public final class PolicyCounters {
    long zapCalls;
    long degenerateCalls;
    long fullRangeZaps;
    long gfnsZapped;
    long memtypeHazards;
    long ipatHazards;
    long disagreementHazards;

    /** @param clipped {@code r.clip(gfnLimit)}, which the caller has at hand already */
    void countZap(GfnRange r, GfnRange clipped, long gfnLimit) {
        zapCalls++;
        if (r.degenerate()) {
            degenerateCalls++;
            return;
        }
        if (clipped != null) {
            gfnsZapped += clipped.size();
        }
        if (r.start() == 0 && Long.compareUnsigned(r.end(), gfnLimit) >= 0) {
            fullRangeZaps++;
        }
    }

    public long zapCalls() {
        return zapCalls;
    }

    public long degenerateCalls() {
        return degenerateCalls;
    }

    public long fullRangeZaps() {
        return fullRangeZaps;
    }

    /** Sum of the sizes of the non-degenerate zaps, each clipped to [0, 2^(MAXPHYADDR-12)). */
    public long gfnsZapped() {
        return gfnsZapped;
    }

    public long memtypeHazards() {
        return memtypeHazards;
    }

    public long ipatHazards() {
        return ipatHazards;
    }

    public long disagreementHazards() {
        return disagreementHazards;
    }

    public void addTo(PolicyCounters total) {
        total.zapCalls += zapCalls;
        total.degenerateCalls += degenerateCalls;
        total.fullRangeZaps += fullRangeZaps;
        total.gfnsZapped += gfnsZapped;
        total.memtypeHazards += memtypeHazards;
        total.ipatHazards += ipatHazards;
        total.disagreementHazards += disagreementHazards;
    }

    PolicyCounters copy() {
        PolicyCounters c = new PolicyCounters();
        addTo(c);
        return c;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(zapCalls);
        out.writeLong(degenerateCalls);
        out.writeLong(fullRangeZaps);
        out.writeLong(gfnsZapped);
        out.writeLong(memtypeHazards);
        out.writeLong(ipatHazards);
        out.writeLong(disagreementHazards);
    }

    static PolicyCounters readFrom(DataInput in) throws IOException {
        PolicyCounters c = new PolicyCounters();
        c.zapCalls = in.readLong();
        c.degenerateCalls = in.readLong();
        c.fullRangeZaps = in.readLong();
        c.gfnsZapped = in.readLong();
        c.memtypeHazards = in.readLong();
        c.ipatHazards = in.readLong();
        c.disagreementHazards = in.readLong();
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyCounters c && c.zapCalls == zapCalls && c.degenerateCalls == degenerateCalls
                && c.fullRangeZaps == fullRangeZaps && c.gfnsZapped == gfnsZapped
                && c.memtypeHazards == memtypeHazards && c.ipatHazards == ipatHazards
                && c.disagreementHazards == disagreementHazards;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(zapCalls * 31 + gfnsZapped);
    }
}
