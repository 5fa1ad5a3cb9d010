package org.mtrrledger.projections.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.engine.fold.Outcome;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.render.EventJson;
import org.mtrrledger.projections.render.PolicyJson;
import org.mtrrledger.projections.zap.PolicyId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mtrr export --perfetto FILE}: the Chrome trace-event JSON object format ({@code traceEvents}) that Perfetto's
 * UI and chrome://tracing open, so a zap storm can be read next to a kernel trace. One process per VM; in it one
 * thread per policy (zaps and hazards as instant events) and one per vCPU (MTRR changes as instant events, CR0.CD as
 * a counter).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes the ledger for another tool: --perfetto FILE is Chrome/Perfetto trace-event JSON (open "
                + "it in ui.perfetto.dev or chrome://tracing): one process per VM, one track per policy with its zaps "
                + "and hazards, one per vCPU with its MTRR changes and a CR0.CD counter. Timestamps are the events' "
                + "trace timestamps in microseconds; an event without one takes the last timestamp before it in "
                + "its VM, or its offset when there is none.")
final class ExportCommand implements Callable<Integer> {
    /** Thread ids: vCPU n is {@code VCPU_TID + n}, policy p is {@code POLICY_TID + p.code}, the VM itself 0. */
    static final int POLICY_TID = 1;
    static final int VCPU_TID = 1000;

    @Mixin
    DataOptions data;

    @Mixin
    VmSelection vms;

    @Mixin
    PositionRange range;

    @Option(names = "--perfetto", required = true, paramLabel = "FILE",
            description = "Trace-event JSON file to write (replaced if it exists).")
    Path perfetto;

    @Override
    public Integer call() {
        range.validate();
        try (LedgerStore store = StoreAccess.openForQuery(data.storeDir())) {
            LedgerQueries q = new LedgerQueries(store);
            List<String> chosen = vms.resolve(q, true);
            int[] counts = new int[3];
            try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(perfetto.toFile(),
                    JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("displayTimeUnit", "ns");
                g.writeArrayFieldStart("traceEvents");
                for (int i = 0; i < chosen.size(); i++) {
                    vm(q, chosen.get(i), i + 1, g, counts);
                }
                g.writeEndArray();
                g.writeEndObject();
            } catch (IOException e) {
                throw new CliFailure("cannot write " + perfetto + ": " + e.getMessage());
            }
            System.err.printf("wrote %s: %d VM(s), %d zaps, %d hazards, %d state changes (MTRR, CR0.CD, DMA)%n",
                    perfetto, chosen.size(), counts[0], counts[1], counts[2]);
            return 0;
        }
    }

    private void vm(LedgerQueries q, String vm, int pid, JsonGenerator g, int[] counts) throws IOException {
        long[] bounds = range.resolve(q, vm, false);
        long from = bounds[0];
        long to = bounds[1];
        String topic = q.topic();
        meta(g, "process_name", pid, 0, "VM " + vm);
        Map<Long, Double> tsOf = new HashMap<>();
        TreeSet<Integer> vcpus = new TreeSet<>();
        Double last = null;
        for (StoredEvent e : q.events(vm, from, to)) {
            Long ns = e.event().getTimestampNs();
            if (ns != null) {
                last = ns / 1000.0;
            }
            double ts = last != null ? last : e.offset();
            tsOf.put(e.offset(), ts);
            Integer vcpu = e.event().getVcpu();
            int tid = vcpu == null ? 0 : VCPU_TID + vcpu;
            if (vcpu != null) {
                vcpus.add(vcpu);
            }
            for (Outcome.Change c : e.outcome().changes()) {
                if (c.what().equals("cr0") && vcpu != null) {
                    counter(g, "CR0.CD vCPU " + vcpu, pid, ts, "cd", (c.newValue() & Cr0.CD) != 0 ? 1 : 0);
                    counts[2]++;
                } else if (c.what().equals("noncoherent_dma_count")) {
                    counter(g, "non-coherent DMA", pid, ts, "count", c.newValue());
                    counts[2]++;
                } else if (e.event().getPayload() instanceof MsrWrite) {
                    instant(g, "MTRR " + c.what(), "memtype", pid, tid, ts, EventJson.event(topic, e));
                    counts[2]++;
                }
            }
        }
        for (int v : vcpus) {
            meta(g, "thread_name", pid, VCPU_TID + v, "vCPU " + v);
        }
        for (PolicyId p : PolicyId.values()) {
            int tid = POLICY_TID + p.code;
            meta(g, "thread_name", pid, tid, "policy " + p.label);
            try {
                q.zapsWithTriggers(vm, p, from, 0, to, z -> true, (z, trigger) -> {
                    instant(g, z.degenerate() ? "zap (degenerate)" : "zap", "zap", pid, tid, tsOf.get(z.offset()),
                            PolicyJson.zap(vm, topic, z, trigger));
                    counts[0]++;
                    return true;
                });
                q.hazardsWithTriggers(vm, p, from, 0, to, h -> true, (h, trigger) -> {
                    instant(g, "hazard " + h.kind().label(), "hazard", pid, tid, tsOf.get(h.offset()),
                            PolicyJson.hazard(vm, topic, h, trigger));
                    counts[1]++;
                    return true;
                });
            } catch (WriteFailed e) {
                throw e.io();
            }
        }
    }

    private static void meta(JsonGenerator g, String name, int pid, int tid, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("ph", "M");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        g.writeStringField("name", value);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void counter(JsonGenerator g, String name, int pid, double ts, String series, long value)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("ph", "C");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", 0);
        g.writeNumberField("ts", ts);
        g.writeObjectFieldStart("args");
        g.writeNumberField(series, value);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** A thread-scoped instant event; {@code ts} is null only for a record whose event lies outside the range. */
    private static void instant(JsonGenerator g, String name, String cat, int pid, int tid, Double ts,
            Map<String, Object> args) {
        try {
            writeInstant(g, name, cat, pid, tid, ts, args);
        } catch (IOException e) {
            throw new WriteFailed(e);
        }
    }

    private static void writeInstant(JsonGenerator g, String name, String cat, int pid, int tid, Double ts,
            Map<String, Object> args) throws IOException {
        if (ts == null) {
            throw new IllegalStateException(name + " at an offset without a stored event");
        }
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("cat", cat);
        g.writeStringField("ph", "i");
        g.writeStringField("s", "t");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeNumberField("ts", ts);
        g.writeObjectField("args", args);
        g.writeEndObject();
    }

    /** The output's own write failure, carried out of a query's visitor and unwrapped around it (only this one). */
    private static final class WriteFailed extends RuntimeException {
        WriteFailed(IOException cause) {
            super(cause);
        }

        IOException io() {
            return (IOException) getCause();
        }
    }
}
