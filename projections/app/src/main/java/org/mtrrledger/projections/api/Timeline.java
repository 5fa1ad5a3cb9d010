package org.mtrrledger.projections.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.events.parse.TraceTimestamp;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.events.model.Hex;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.render.PolicyJson;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * The web view's timeline at any zoom ({@code GET /api/vms/{vm}/timeline}) and its next/previous stepping
 * ({@code GET /api/vms/{vm}/seek}). The answer's size is bounded whatever the log's: the window [from, to] of
 * offsets is cut into at most {@link #MAX_BUCKETS} equal buckets; per bucket it counts events (and keeps the first
 * trace timestamp, for the time axis), and per policy lane it counts zaps and hazards. Individual marks (one per
 * trigger offset) are sent only for a lane with at most {@link #MAX_MARKS} distinct offsets in the window; a denser
 * lane is drawn as a density band and the user zooms in until its marks appear. A vCPU filter keeps the events,
 * zaps and hazards of that vCPU (VM-scoped events and their zaps stay: they touch every vCPU).
 */
final class Timeline {
    static final int MAX_BUCKETS = 2000;
    static final int DEFAULT_BUCKETS = 400;
    static final int MAX_MARKS = 150;

    private Timeline() {
    }

    private static int buckets(Params p) {
        String v = p.string("buckets");
        if (v == null) {
            return DEFAULT_BUCKETS;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > MAX_BUCKETS) {
                throw ApiException.badParameter("buckets", "must be 1.." + MAX_BUCKETS + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter("buckets", "not an integer: '" + Params.abbreviate(v) + "'");
        }
    }

    /** The VM's first and last offsets and the window [from, to] asked for (the whole log by default). */
    record Window(long first, long last, long from, long to, ApiRoutes.Resolved resolved) {
    }

    private static Window window(LedgerQueries q, String vm, Params p) {
        long first = q.firstOffset(vm);
        long last = q.lastOffset(vm);
        ApiRoutes.Resolved resolved = new ApiRoutes.Resolved();
        Long from = ApiRoutes.resolve(q, vm, ApiRoutes.position(p, "from"), resolved);
        Long to = ApiRoutes.resolve(q, vm, ApiRoutes.position(p, "to"), resolved);
        long f = from == null ? first : from;
        long t = to == null ? last : to;
        if (t < f) {
            throw ApiException.badParameter("to", "to " + t + " is before from " + f);
        }
        return new Window(first, last, f, t, resolved);
    }

    /** Keeps a record of vCPU {@code vcpu} (or -1 = VM-scoped) under the filter {@code only} (null: all). */
    private static boolean keep(Integer only, int vcpu) {
        return only == null || vcpu < 0 || vcpu == only;
    }

    static Map<String, Object> of(LedgerQueries q, String vm, Params p) {
        Window w = window(q, vm, p);
        int n = (int) Math.min(buckets(p), w.to() - w.from() + 1);
        Integer only = p.index("vcpu");
        double width = (double) (w.to() - w.from() + 1) / n;
        long[] events = new long[n];
        String[] ts = new String[n];
        q.events(vm, w.from(), w.to(), e -> {
            Integer v = e.event().getVcpu();
            if (keep(only, v == null ? -1 : v)) {
                int b = bucket(w.from(), width, n, e.offset());
                events[b]++;
                if (ts[b] == null && e.event().getTimestampNs() != null) {
                    ts[b] = TraceTimestamp.format(e.event().getTimestampNs());
                }
            }
            return true;
        });
        List<Object> lanes = new ArrayList<>();
        long hazardsInAll = 0;
        for (PolicyId id : PolicyId.values()) {
            Lane zaps = new Lane(n);
            q.zaps(vm, id, w.from(), 0, w.to(), z -> {
                if (keep(only, z.vcpu())) {
                    zaps.add(bucket(w.from(), width, n, z.offset()), z.offset(), z);
                }
                return true;
            });
            Lane hazards = new Lane(n);
            for (Hazard h : q.hazards(vm, id, w.from(), w.to())) {
                if (keep(only, h.vcpu())) {
                    hazards.add(bucket(w.from(), width, n, h.offset()), h.offset(), h);
                }
            }
            hazardsInAll += hazards.total;
            Map<String, Object> lane = new LinkedHashMap<>();
            lane.put("policy", id.label);
            lane.put("zaps", zaps.total);
            lane.put("zap_density", zaps.density);
            lane.put("zap_marks", zaps.marks == null ? null : zapMarks(zaps.marks));
            lane.put("hazards", hazards.total);
            lane.put("hazard_density", hazards.density);
            lane.put("hazard_marks", hazards.marks == null ? null : hazardMarks(q, vm, hazards.marks));
            lanes.add(lane);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("first_offset", w.first());
        m.put("last_offset", w.last());
        m.put("from", w.from());
        m.put("to", w.to());
        m.put("vcpu", only);
        m.put("buckets", n);
        m.put("bucket_width", width);
        m.put("max_marks", MAX_MARKS);
        m.put("events", events);
        m.put("events_in_window", java.util.Arrays.stream(events).sum());
        m.put("hazards_in_window", hazardsInAll);
        m.put("bucket_ts", ts);
        m.put("lanes", lanes);
        return w.resolved().onto(m);
    }

    private static int bucket(long from, double width, int n, long offset) {
        return (int) Math.min(n - 1, Math.max(0, (long) ((offset - from) / width)));
    }

    private static List<Object> zapMarks(List<Object> records) {
        // one mark per trigger offset: its zaps share the trigger event, the detail panel lists them all
        List<Object> out = new ArrayList<>();
        Map<String, Object> last = null;
        for (Object o : records) {
            ZapRecord z = (ZapRecord) o;
            if (last != null && (long) last.get("offset") == z.offset()) {
                last.put("count", (int) last.get("count") + 1);
                last.put("degenerate", (boolean) last.get("degenerate") && z.degenerate());
                continue;
            }
            last = new LinkedHashMap<>();
            last.put("offset", z.offset());
            last.put("seq", z.seq());
            last.put("vcpu", z.vcpu() < 0 ? null : z.vcpu());
            last.put("count", 1);
            last.put("degenerate", z.degenerate());
            last.put("start_gfn", Hex.of(z.range().start()));
            last.put("end_gfn", Hex.of(z.range().end()));
            out.add(last);
        }
        return out;
    }

    /**
     * One mark per check point offset, the first of its hazards with the count; the check point and the missing zap
     * are in {@code /seek} and the audit of the offset, so a mark stays small.
     */
    private static List<Object> hazardMarks(LedgerQueries q, String vm, List<Object> records) {
        List<Object> out = new ArrayList<>();
        Map<String, Object> last = null;
        Map<Long, StoredEvent> triggers = q.triggersOf(vm, records, o -> ((Hazard) o).offset());
        for (Object o : records) {
            Hazard h = (Hazard) o;
            if (last != null && (long) last.get("offset") == h.offset()) {
                last.put("count", (int) last.get("count") + 1);
                continue;
            }
            Map<String, Object> full = PolicyJson.hazard(vm, "", h, triggers.get(h.offset()));
            last = new LinkedHashMap<>();
            last.put("offset", h.offset());
            last.put("seq", h.seq());
            last.put("vcpu", h.vcpu() < 0 ? null : h.vcpu());
            last.put("count", 1);
            for (String k : List.of("kind", "start_gfn", "end_gfn", "stale", "other_vcpus_memtypes", "demanded")) {
                if (full.containsKey(k)) {
                    last.put(k, full.get(k));
                }
            }
            out.add(last);
        }
        return out;
    }

    private static Map<String, Object> hazard(LedgerQueries q, String vm, String topic, Hazard h) {
        Map<String, Object> x = PolicyJson.hazard(vm, topic, h, q.event(vm, h.offset()));
        x.remove("vm");
        x.put("offset", h.offset());
        x.put("seq", h.seq());
        x.put("vcpu", h.vcpu() < 0 ? null : h.vcpu());
        return x;
    }

    /** Per-bucket counts and, while there are at most {@link #MAX_MARKS} distinct offsets, the records. */
    private static final class Lane {
        final long[] density;
        List<Object> marks = new ArrayList<>();
        long total;
        private long lastOffset = -1;
        private int distinct;

        Lane(int n) {
            density = new long[n];
        }

        void add(int bucket, long offset, Object record) {
            density[bucket]++;
            total++;
            if (offset != lastOffset) {
                distinct++;
                lastOffset = offset;
            }
            if (marks != null) {
                if (distinct > MAX_MARKS) {
                    marks = null;
                } else {
                    marks.add(record);
                }
            }
        }
    }

    /**
     * The nearest event, zap or hazard strictly after ({@code direction=next}) or before ({@code direction=prev}) offset
     * {@code from}, among the policies of {@code policy} and under the vCPU filter: {@code {"found": false}} when there
     * is none. Backwards it scans windows of doubling size, so a step costs about the distance stepped.
     */
    static Map<String, Object> seek(LedgerQueries q, String vm, Params p) {
        String what = p.required("what");
        if (!List.of("zap", "hazard", "event").contains(what)) {
            throw ApiException.badParameter("what", "must be zap, hazard or event, got '" + Params.abbreviate(what)
                    + "'");
        }
        String dir = p.string("direction") == null ? "next" : p.string("direction");
        if (!dir.equals("next") && !dir.equals("prev")) {
            throw ApiException.badParameter("direction", "must be next or prev, got '" + Params.abbreviate(dir) + "'");
        }
        long from = Params.offsetValue("from", p.required("from"));
        // events belong to no policy: one pass with any policy id stands for all
        List<PolicyId> policies = what.equals("event") ? List.of(PolicyId.values()[0]) : p.policies();
        Integer only = p.index("vcpu");
        long first = q.firstOffset(vm);
        long last = q.lastOffset(vm);
        boolean next = dir.equals("next");
        Object best = null;
        long bestOffset = -1;
        if (next) {
            for (PolicyId id : policies) {
                Object f = find(q, vm, id, what, from + 1, bestOffset < 0 ? last : bestOffset, only, true);
                if (f != null && (best == null || offsetOf(f) < bestOffset)) {
                    best = f;
                    bestOffset = offsetOf(f);
                }
            }
        } else {
            for (long span = 1024; best == null && from > first; span *= 2) {
                long lo = Math.max(first, from - span);
                for (PolicyId id : policies) {
                    Object f = find(q, vm, id, what, lo, from - 1, only, false);
                    if (f != null && (best == null || offsetOf(f) > bestOffset)) {
                        best = f;
                        bestOffset = offsetOf(f);
                    }
                }
                if (lo == first) {
                    break;
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("found", best != null);
        if (best instanceof ZapRecord z) {
            m.put("offset", z.offset());
            m.put("policy", z.policy().label);
            m.put("seq", z.seq());
        } else if (best instanceof StoredEvent e) {
            m.put("offset", e.offset());
        } else if (best instanceof Hazard h) {
            m.put("offset", h.offset());
            m.put("policy", h.policy().label);
            m.put("seq", h.seq());
            m.put("hazard", hazard(q, vm, q.topic(), h));
        }
        return m;
    }

    private static long offsetOf(Object o) {
        return o instanceof ZapRecord z ? z.offset() : o instanceof Hazard h ? h.offset()
                : ((StoredEvent) o).offset();
    }

    /** The first (or last) event, or zap or hazard of a policy, with offset in [lo, hi] that the vCPU filter keeps. */
    private static Object find(LedgerQueries q, String vm, PolicyId id, String what, long lo, long hi, Integer only,
            boolean firstOne) {
        if (hi < lo) {
            return null;
        }
        Object[] found = {null};
        if (what.equals("event")) {
            q.events(vm, lo, hi, e -> {
                Integer v = e.event().getVcpu();
                if (keep(only, v == null ? -1 : v)) {
                    found[0] = e;
                    return !firstOne;
                }
                return true;
            });
        } else if (what.equals("zap")) {
            q.zaps(vm, id, lo, 0, hi, z -> {
                if (keep(only, z.vcpu())) {
                    found[0] = z;
                    return !firstOne;
                }
                return true;
            });
        } else {
            for (Hazard h : q.hazards(vm, id, lo, hi)) {
                if (keep(only, h.vcpu())) {
                    found[0] = h;
                    if (firstOne) {
                        break;
                    }
                }
            }
        }
        return found[0];
    }
}
