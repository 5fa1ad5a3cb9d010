package org.mtrrledger.projections.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.engine.fold.Outcome;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.GeneratorPosition;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.EventKind;
import org.mtrrledger.events.parse.JsonLinesWriter;
import org.mtrrledger.events.parse.TraceTimestamp;
import org.mtrrledger.projections.query.Audit;
import org.mtrrledger.events.model.Hex;

/**
 * Events: a folded event with its outcome ({@code events}), the short form naming the event that triggered a zap or
 * is a hazard's check point, and everything one event did ({@code audit}).
 */
public final class EventJson {
    private EventJson() {
    }

    /** Where the event was read: {@code file:line}, {@code gen:seed#index}, or null. */
    public static String source(MtrrEvent e) {
        Object s = e.getSource();
        if (s instanceof FilePosition f) {
            return f.getFile() + ":" + f.getLine();
        }
        if (s instanceof GeneratorPosition g) {
            return "gen:" + g.getSeed() + "#" + g.getIndex();
        }
        return null;
    }

    /**
     * The event's timestamp as its trace printed it ({@code 380.398696}; 9 fraction digits where it is not a whole
     * microsecond), or null: a string, so it stays exact in JavaScript beyond 2^53 ns (104 days of host uptime).
     */
    public static String ts(MtrrEvent e) {
        return e.getTimestampNs() == null ? null : TraceTimestamp.format(e.getTimestampNs());
    }

    /** The event's own fields in the JSON Lines input format. */
    public static void fields(MtrrEvent e, Map<String, Object> m) {
        m.put("type", EventKind.typeOf(e));
        JsonLinesWriter.payloadFields(e, m::put);
    }

    /** A folded event: where it is, its fields, and its outcome (status, reason, changes, notes). */
    public static Map<String, Object> event(String topic, StoredEvent se) {
        Map<String, Object> m = new LinkedHashMap<>();
        MtrrEvent e = se.event();
        m.put("vm", se.vm());
        m.put("vcpu", e.getVcpu());
        m.put("topic", topic);
        m.put("partition", se.partition());
        m.put("offset", se.offset());
        m.put("ts", ts(e));
        fields(e, m);
        Outcome o = se.outcome();
        m.put("accepted", o.status() != Outcome.Status.REJECTED);
        m.put("status", lower(o.status()));
        m.put("reason", o.reason());
        m.put("source", source(e));
        List<Map<String, Object>> ch = new ArrayList<>();
        for (Outcome.Change c : o.changes()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("what", c.what());
            x.put("old", Hex.of(c.oldValue()));
            x.put("new", Hex.of(c.newValue()));
            ch.add(x);
        }
        m.put("changes", ch);
        if (!o.notes().isEmpty()) {
            m.put("notes", o.notes());
        }
        return m;
    }

    /**
     * The event that caused something (a zap's trigger, a hazard's check point, a memtype change): where it is, and
     * what it wrote: for an MSR or CR0 write the value before and after (the last change's, else the written value),
     * for CR0 also CD and the toggled bits, for DMA the operation.
     */
    public static Map<String, Object> trigger(String topic, StoredEvent se) {
        MtrrEvent e = se.event();
        Outcome o = se.outcome();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("topic", topic);
        t.put("partition", se.partition());
        t.put("offset", se.offset());
        t.put("ts", ts(e));
        t.put("vcpu", e.getVcpu());
        t.put("type", EventKind.typeOf(e));
        Object p = e.getPayload();
        if (p instanceof MsrWrite w) {
            t.put("msr", Hex.of(w.getMsr()));
            long[] oldNew = lastChange(o, w.getValue());
            t.put("old", Hex.of(oldNew[0]));
            t.put("new", Hex.of(oldNew[1]));
        } else if (p instanceof Cr0Write c) {
            long[] oldNew = lastChange(o, c.getValue());
            t.put("old", Hex.of(oldNew[0]));
            t.put("new", Hex.of(oldNew[1]));
            t.put("cd", Cr0.cd(oldNew[1]) ? "set" : "clear");
            t.put("toggled", Hex.of(oldNew[0] ^ oldNew[1]));
        } else if (p instanceof DmaOp d) {
            t.put("op", lower(d.getOp()));
        }
        t.put("source", source(e));
        return t;
    }

    private static long[] lastChange(Outcome o, long written) {
        long[] oldNew = {written, written};
        for (Outcome.Change c : o.changes()) {
            oldNew[0] = c.oldValue();
            oldNew[1] = c.newValue();
        }
        return oldNew;
    }

    /**
     * Everything one event did: the event as {@link #event} plus {@code policies}, per policy label the zaps it
     * caused and the hazards it revealed (without the VM, policy and check point their own objects repeat).
     */
    public static Map<String, Object> audit(String topic, Audit.Result a) {
        Map<String, Object> m = event(topic, a.event());
        Map<String, Object> byPolicy = new LinkedHashMap<>();
        for (Audit.PolicyPart part : a.policies()) {
            List<Map<String, Object>> zs = new ArrayList<>();
            part.zaps().forEach(z -> zs.add(PolicyJson.zapRange(z, new LinkedHashMap<>())));
            List<Map<String, Object>> hs = new ArrayList<>();
            part.hazards().forEach(h -> hs.add(PolicyJson.hazardFinding(h, new LinkedHashMap<>(), null)));
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("zaps", zs);
            pm.put("hazards", hs);
            byPolicy.put(part.policy().label, pm);
        }
        m.put("policies", byPolicy);
        return m;
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
