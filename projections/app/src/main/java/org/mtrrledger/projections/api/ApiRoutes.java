package org.mtrrledger.projections.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.projections.ledger.PoliciesState;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.query.Audit;
import org.mtrrledger.projections.query.Divergence;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.MemtypeDiff;
import org.mtrrledger.projections.query.MemtypeQuery;
import org.mtrrledger.projections.query.MemtypeSnapshot;
import org.mtrrledger.projections.query.Position;
import org.mtrrledger.projections.query.SnapshotTarget;
import org.mtrrledger.projections.render.EventJson;
import org.mtrrledger.projections.render.MemtypeJson;
import org.mtrrledger.projections.render.PolicyJson;
import org.mtrrledger.projections.render.SkippedJson;
import org.mtrrledger.projections.render.VmJson;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * The {@code /api/...} endpoints. Every body is built by the same query classes and renderers
 * ({@code org.mtrrledger.projections.render}) as the CLI's {@code --json}; lists are JSON arrays, paged lists
 * {@code {"items": [...], "next_cursor": "..."|null}}.
 */
final class ApiRoutes {
    private final ThreadLocal<LedgerQueries> queries;

    ApiRoutes(Supplier<LedgerQueries> queries) {
        // LedgerQueries holds codecs and a pipeline: one per server thread.
        this.queries = ThreadLocal.withInitial(queries);
    }

    private static final Set<String> VM_SUBRESOURCES = Set.of("memtype", "zaps", "events", "diff", "policies",
            "timeline", "seek");

    /** The route template of a path, e.g. {@code /api/vms/{vm}/events/{offset}}; "unknown" if there is none. */
    static String template(List<String> s) {
        String joined = "/" + String.join("/", s);
        if (s.isEmpty() || (s.size() == 1 && Set.of("healthz", "readyz", "metrics").contains(s.get(0)))
                || StaticAssets.has(joined)) {
            return joined;
        }
        if (s.get(0).equals("api")) {
            if (s.size() == 2 && Set.of("vms", "divergence", "skipped").contains(s.get(1))) {
                return joined;
            }
            if (s.size() >= 3 && s.get(1).equals("vms")) {
                if (s.size() == 3) {
                    return "/api/vms/{vm}";
                }
                if (s.size() == 4 && VM_SUBRESOURCES.contains(s.get(3))) {
                    return "/api/vms/{vm}/" + s.get(3);
                }
                if (s.size() == 5 && s.get(3).equals("events")) {
                    return "/api/vms/{vm}/events/{offset}";
                }
            }
            return "/api/unknown";
        }
        return "unknown";
    }

    static void noParams(String rawQuery) {
        Params.parse(rawQuery, Set.of());
    }

    private static Params params(String rawQuery, String... allowed) {
        return Params.parse(rawQuery, new LinkedHashSet<>(List.of(allowed)));
    }

    ApiServer.Response handle(String route, List<String> s, String rawQuery) {
        LedgerQueries q = queries.get();
        String vm = s.size() >= 3 ? s.get(2) : null;
        Object body = switch (route) {
            case "/api/openapi.json" -> {
                noParams(rawQuery);
                yield null;
            }
            case "/api/vms" -> {
                noParams(rawQuery);
                List<Object> out = new ArrayList<>();
                for (String v : q.vms()) {
                    out.add(vmSummary(q, v));
                }
                yield out;
            }
            case "/api/vms/{vm}" -> {
                noParams(rawQuery);
                yield vmSummary(q, vm);
            }
            case "/api/vms/{vm}/memtype" -> memtype(q, vm, params(rawQuery, "at", "vcpu", "resolver", "kernel",
                    "gpa"));
            case "/api/vms/{vm}/zaps" -> zaps(q, vm, params(rawQuery, "policy", "gfn", "from", "to", "limit",
                    "cursor"));
            case "/api/vms/{vm}/events" -> events(q, vm, params(rawQuery, "from", "to", "limit", "cursor"));
            case "/api/vms/{vm}/events/{offset}" -> {
                noParams(rawQuery);
                long offset = Params.offsetValue("offset", s.get(4));
                q.requireVm(vm);
                try {
                    yield EventJson.audit(q.topic(), Audit.of(q, vm, offset));
                } catch (LedgerQueries.UnknownVmException e) {
                    throw e;
                } catch (IllegalArgumentException e) {
                    throw new ApiException(404, e.getMessage(), "offset");
                }
            }
            case "/api/vms/{vm}/diff" -> diff(q, vm, params(rawQuery, "from", "to", "vcpu", "resolver", "kernel"));
            case "/api/vms/{vm}/policies" -> policies(q, vm, params(rawQuery, "at"));
            case "/api/vms/{vm}/timeline" -> Timeline.of(q, vm, params(rawQuery, "from", "to", "buckets", "vcpu"));
            case "/api/vms/{vm}/seek" -> Timeline.seek(q, vm, params(rawQuery, "what", "from", "direction", "policy",
                    "vcpu"));
            case "/api/divergence" -> divergence(q, params(rawQuery, "vm", "at"));
            case "/api/skipped" -> skipped(q, params(rawQuery, "partition", "limit", "cursor"));
            default -> throw ApiException.notFound("no such endpoint (see /api/openapi.json)");
        };
        if (route.equals("/api/openapi.json")) {
            return StaticAssets.get(route);
        }
        return ApiServer.Response.json(200, body);
    }

    /** The summary reads the fold state alone: the zap and hazard projection is not decoded for it. */
    static Map<String, Object> vmSummary(LedgerQueries q, String vm) {
        return VmJson.summary(vm, q.foldAt(vm, null));
    }

    /** A parameter's {@link Position} checked for form alone: a 400 naming it when it has none. */
    static Position.Spec position(Params p, String name) {
        try {
            return Position.parse(name, p.string(name));
        } catch (Position.Invalid e) {
            throw ApiException.badParameter(name, e.getMessage());
        }
    }

    /**
     * The offset a position names in the VM's log (null when absent), noted in {@code resolved}. One outside the log
     * is a 404 naming the VM's range: the store cannot vouch for offsets it has not reached, so answering with the
     * latest state labelled {@code at} would mislead.
     */
    static Long resolve(LedgerQueries q, String vm, Position.Spec spec, Resolved resolved) {
        q.requireVm(vm);
        try {
            return resolved.note(spec, spec == null ? null : spec.resolve(q, vm));
        } catch (Position.Invalid e) {
            throw new ApiException(404, e.getMessage(), e.parameter());
        }
    }

    /**
     * The positions a request gave ({@code at}, {@code from}, {@code to}), each with its input and the offset it
     * resolved to: the {@code resolved} field of the answer, so that a client that asked for {@code #120} or
     * {@code ts:1404.389373} learns which event that was. An answer without positions has no such field.
     */
    static final class Resolved {
        private final Map<String, Object> byParameter = new LinkedHashMap<>();

        Long note(Position.Spec spec, Long offset) {
            if (spec != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("input", spec.given());
                m.put("offset", offset);
                byParameter.put(spec.name(), m);
            }
            return offset;
        }

        /** {@code m} with the {@code resolved} field last, when the request gave a position. */
        Map<String, Object> onto(Map<String, Object> m) {
            if (!byParameter.isEmpty()) {
                m.put("resolved", byParameter);
            }
            return m;
        }
    }

    private static Object memtype(LedgerQueries q, String vm, Params p) {
        Position.Spec atSpec = position(p, "at");
        GuestMtrrResolver r = p.resolver();
        KernelEra era = p.kernel();
        Long gpa = p.hex("gpa");
        String v = p.string("vcpu");
        SnapshotTarget target = null;
        if ("per-vm".equals(v)) {
            target = SnapshotTarget.PER_VM;
        } else if (v != null) {
            target = new SnapshotTarget.Vcpu(p.index("vcpu"));
        }
        Resolved resolved = new Resolved();
        Long at = resolve(q, vm, atSpec, resolved);
        List<MemtypeSnapshot> snaps;
        try {
            snaps = MemtypeQuery.snapshots(q, vm, at, target, r, era);
        } catch (LedgerQueries.UnknownVmException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ApiException(404, e.getMessage(), "vcpu");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (MemtypeSnapshot snap : snaps) {
            out.add(resolved.onto(MemtypeJson.snapshot(gpa == null ? snap : snap.at(gpa >>> 12))));
        }
        return target == null ? out : out.get(0);
    }

    private static long[] range(LedgerQueries q, String vm, Params p, Resolved resolved) {
        Position.Spec fromSpec = position(p, "from");
        Position.Spec toSpec = position(p, "to");
        Long from = resolve(q, vm, fromSpec, resolved);
        Long to = resolve(q, vm, toSpec, resolved);
        long f = from == null ? 0 : from;
        long t = to == null ? Long.MAX_VALUE : to;
        if (t < f) {
            throw ApiException.badParameter("to", "to " + t + " is before from " + f);
        }
        return new long[] {f, t};
    }

    private static Map<String, Object> page(List<?> items, Cursor next, Resolved resolved) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("next_cursor", next == null ? null : next.encode());
        return resolved.onto(m);
    }

    private static Object zaps(LedgerQueries q, String vm, Params p) {
        List<PolicyId> ps = p.policies();
        Long gfn = p.hex("gfn");
        Resolved resolved = new Resolved();
        long[] range = range(q, vm, p, resolved);
        int limit = p.limit();
        Cursor c = Cursor.decode(p.string("cursor"), Cursor.ZAPS);
        q.requireVm(vm);
        String topic = q.topic();
        int first = 0;
        if (c != null) {
            first = -1;
            for (int i = 0; i < ps.size(); i++) {
                if (ps.get(i).code == c.policy()) {
                    first = i;
                }
            }
            if (first < 0) {
                throw ApiException.badParameter("cursor", "the cursor is for another policy selection");
            }
        }
        List<ZapRecord> found = new ArrayList<>();
        for (int i = first; i < ps.size() && found.size() <= limit; i++) {
            boolean resume = c != null && i == first;
            long start = resume ? Math.max(range[0], c.offset()) : range[0];
            int seq = resume && c.offset() >= range[0] ? c.seq() : 0;
            q.zaps(vm, ps.get(i), start, seq, range[1], z -> {
                if (gfn == null || z.range().contains(gfn)) {
                    found.add(z);
                }
                return found.size() <= limit;
            });
        }
        Cursor next = null;
        if (found.size() > limit) {
            ZapRecord z = found.remove(limit);
            next = Cursor.zaps(z.policy().code, z.offset(), z.seq());
        }
        List<Map<String, Object>> items = new ArrayList<>();
        Map<Long, StoredEvent> triggers = q.triggersOf(vm, found, ZapRecord::offset);
        for (ZapRecord z : found) {
            items.add(PolicyJson.zap(vm, topic, z, triggers.get(z.offset())));
        }
        return page(items, next, resolved);
    }

    private static Object events(LedgerQueries q, String vm, Params p) {
        Resolved resolved = new Resolved();
        long[] range = range(q, vm, p, resolved);
        int limit = p.limit();
        Cursor c = Cursor.decode(p.string("cursor"), Cursor.EVENTS);
        q.requireVm(vm);
        long start = c == null ? range[0] : Math.max(range[0], c.offset());
        String topic = q.topic();
        List<Map<String, Object>> items = new ArrayList<>();
        long[] next = {-1};
        q.events(vm, start, range[1], e -> {
            if (items.size() == limit) {
                next[0] = e.offset();
                return false;
            }
            items.add(EventJson.event(topic, e));
            return true;
        });
        return page(items, next[0] >= 0 ? Cursor.events(next[0]) : null, resolved);
    }

    private static Object diff(LedgerQueries q, String vm, Params p) {
        p.required("from");
        p.required("to");
        Resolved resolved = new Resolved();
        long[] range = range(q, vm, p, resolved);
        long from = range[0];
        long to = range[1];
        if (to < from) {
            throw ApiException.badParameter("to", "to " + to + " is before from " + from);
        }
        Integer vcpu = p.index("vcpu");
        GuestMtrrResolver r = p.resolver();
        KernelEra era = p.kernel();
        q.requireVm(vm);
        String topic = q.topic();
        List<Map<String, Object>> out = new ArrayList<>();
        for (MemtypeDiff.Row row : MemtypeDiff.between(q, vm, from, to, vcpu, r, era)) {
            out.add(resolved.onto(MemtypeJson.diff(topic, row)));
        }
        return out;
    }

    private static Object policies(LedgerQueries q, String vm, Params p) {
        Resolved resolved = new Resolved();
        Long at = resolve(q, vm, position(p, "at"), resolved);
        PoliciesState s = PolicyProjection.stateOf(q.at(vm, at));
        List<Map<String, Object>> out = new ArrayList<>();
        for (PolicyId id : PolicyId.values()) {
            out.add(resolved.onto(PolicyJson.policy(vm, id, s.counters(id))));
        }
        return out;
    }

    private static Object skipped(LedgerQueries q, Params p) {
        Integer partition = p.partition("partition");
        int limit = p.limit();
        Cursor c = Cursor.decode(p.string("cursor"), Cursor.SKIPPED);
        if (c != null && (c.policy() < 0 || partition != null && c.policy() != partition)) {
            throw ApiException.badParameter("cursor", "the cursor is for another partition selection");
        }
        String topic = q.topic();
        List<Map<String, Object>> items = new ArrayList<>();
        Cursor[] next = {null};
        q.skipped(partition, c != null ? c.policy() : partition == null ? 0 : partition, c == null ? 0 : c.offset(),
                s -> {
                    if (items.size() == limit) {
                        next[0] = Cursor.skipped(s.partition(), s.offset());
                        return false;
                    }
                    items.add(SkippedJson.skipped(topic, s));
                    return true;
                });
        return page(items, next[0], new Resolved());
    }

    private static Object divergence(LedgerQueries q, Params p) {
        String vm = p.string("vm");
        Position.Spec at = position(p, "at");
        List<String> vms = vm == null ? q.vms() : List.of(vm);
        List<Map<String, Object>> out = new ArrayList<>();
        for (String v : vms) {
            Resolved resolved = new Resolved();
            for (Divergence.Row d : Divergence.of(q, v, resolve(q, v, at, resolved))) {
                out.add(resolved.onto(MemtypeJson.divergence(d)));
            }
        }
        return out;
    }
}
