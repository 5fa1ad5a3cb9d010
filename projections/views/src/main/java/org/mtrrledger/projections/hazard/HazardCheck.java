package org.mtrrledger.projections.hazard;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.projections.memtype.MemtypeMap;
import org.mtrrledger.projections.zap.PolicyId;

/**
 * Evaluates one check point (domain doc 9.2): over a GFN range, compares what may be installed
 * ({@link PossibleSets}) with what the guest's MTRRs demand, and reports memtype and IPAT hazards, adjacent equal
 * findings coalesced.
 */
public final class HazardCheck {
    private HazardCheck() {
    }

    /** Builds hazards; {@code seq} numbering continues from {@code firstSeq}. */
    public static List<Hazard> check(PolicyId policy, PossibleSets possible, MemtypeMap demanded, GfnRange range,
            long offset, int vcpu, int firstSeq) {
        List<Hazard> out = new ArrayList<>();
        check(policy, possible, demanded, range, offset, vcpu, firstSeq, out);
        return out;
    }

    /** {@link #check} appending to {@code out}; {@code seq} is {@code seqBase} + the position in {@code out}. */
    public static void checkInto(PolicyId policy, PossibleSets possible, MemtypeMap demanded, GfnRange range,
            long offset, int vcpu, List<Hazard> out) {
        check(policy, possible, demanded, range, offset, vcpu, 0, out);
    }

    private static void check(PolicyId policy, PossibleSets possible, MemtypeMap demanded, GfnRange range,
            long offset, int vcpu, int firstSeq, List<Hazard> out) {
        Acc mem = new Acc(HazardKind.MEMTYPE);
        Acc ipat = new Acc(HazardKind.IPAT);
        // The pieces overlapping the range, clipped to it, as PossibleSets.spans() lists them.
        long end = range.end();
        int i = possible.pieceAt(range.start());
        long spanStart = range.start();
        while (true) {
            long next = possible.pieceEnd(i);
            boolean last = Long.compareUnsigned(next, end) >= 0;
            long spanEnd = last ? end : next;
            PossibleSets.Cell cell = possible.pieceCell(i);
            int mask = cell.mask();
            if (mask == 0) {
                mem.flush(policy, offset, vcpu, out, firstSeq);
                ipat.flush(policy, offset, vcpu, out, firstSeq);
            } else {
                long s = spanStart;
                while (Long.compareUnsigned(s, spanEnd) < 0) {
                    int di = indexOf(demanded, s);
                    long e = Math.min(demanded.end(di), spanEnd);
                    int d = demanded.value(di);
                    int staleMem = 0;
                    int staleIpat = 0;
                    long sinceMem = Long.MAX_VALUE;
                    long sinceIpat = Long.MAX_VALUE;
                    for (int bit = 0; bit < 16; bit++) {
                        if ((mask & (1 << bit)) == 0) {
                            continue;
                        }
                        if ((bit >> 1) != d) {
                            staleMem |= 1 << bit;
                            sinceMem = Math.min(sinceMem, cell.sinceOf(bit));
                        } else if ((bit & 1) != 0) {
                            staleIpat |= 1 << bit;
                            sinceIpat = Math.min(sinceIpat, cell.sinceOf(bit));
                        }
                    }
                    mem.take(s, e, staleMem, d, sinceMem, policy, offset, vcpu, out, firstSeq);
                    ipat.take(s, e, staleIpat, d, sinceIpat, policy, offset, vcpu, out, firstSeq);
                    s = e;
                }
            }
            if (last) {
                break;
            }
            spanStart = next;
            i++;
        }
        mem.flush(policy, offset, vcpu, out, firstSeq);
        ipat.flush(policy, offset, vcpu, out, firstSeq);
    }

    /** Where online vCPUs' MTRR types differ from the lowest online vCPU's over {@code range}. */
    public static List<Hazard> disagreement(PolicyId policy, MemtypeMap lowest, List<MemtypeMap> others,
            GfnRange range, long offset, int vcpu, int firstSeq) {
        List<Hazard> out = new ArrayList<>();
        if (others.isEmpty()) {
            return out;
        }
        Acc acc = new Acc(HazardKind.MTRR_DISAGREEMENT);
        long s = range.start();
        while (Long.compareUnsigned(s, range.end()) < 0) {
            int li = indexOf(lowest, s);
            long e = Math.min(lowest.end(li), range.end());
            int d = lowest.value(li);
            int diff = 0;
            for (MemtypeMap m : others) {
                int oi = indexOf(m, s);
                e = Math.min(e, m.end(oi));
                if (m.value(oi) != d) {
                    diff |= 1 << (m.value(oi) << 1);
                }
            }
            acc.take(s, e, diff, d, -1, policy, offset, vcpu, out, firstSeq);
            s = e;
        }
        acc.flush(policy, offset, vcpu, out, firstSeq);
        return out;
    }

    private static int indexOf(MemtypeMap m, long gfn) {
        int lo = 0;
        int hi = m.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (m.start(mid) <= gfn) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Coalesces adjacent findings with the same stale set and demanded type. */
    private static final class Acc {
        private final HazardKind kind;
        private long start;
        private long end;
        private int stale;
        private int demanded;
        private long since;

        Acc(HazardKind kind) {
            this.kind = kind;
        }

        void take(long s, long e, int staleMask, int d, long sinceOffset, PolicyId p, long offset, int vcpu,
                List<Hazard> out, int firstSeq) {
            if (staleMask == 0) {
                flush(p, offset, vcpu, out, firstSeq);
                return;
            }
            if (stale != 0 && end == s && stale == staleMask && demanded == d) {
                end = e;
                since = Math.min(since, sinceOffset);
                return;
            }
            flush(p, offset, vcpu, out, firstSeq);
            start = s;
            end = e;
            stale = staleMask;
            demanded = d;
            since = sinceOffset;
        }

        void flush(PolicyId p, long offset, int vcpu, List<Hazard> out, int firstSeq) {
            if (stale != 0) {
                out.add(new Hazard(p, kind, offset, firstSeq + out.size(), vcpu, new GfnRange(start, end), stale,
                        demanded, since == Long.MAX_VALUE ? -1 : since));
                stale = 0;
            }
        }
    }
}
