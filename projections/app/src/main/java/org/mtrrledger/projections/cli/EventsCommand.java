package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.events.model.EventKind;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.render.EventJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "events", mixinStandardHelpOptions = true,
        description = "The folded events with their outcomes (accepted, rejected and why, what changed).")
final class EventsCommand extends QueryCommand {
    @Mixin
    VmSelection vms;

    @Mixin
    PositionRange range;

    /** The values of {@code --type}, in the order help texts list them: {@link EventKind#type()}'s names. */
    static final List<String> TYPES = Stream.of(EventKind.MSR_WRITE, EventKind.CR0_WRITE, EventKind.DMA_OP,
            EventKind.VCPU_LIFECYCLE, EventKind.VM_CONFIG).map(EventKind::type).toList();

    @Option(names = "--vcpu", paramLabel = "N", split = ",",
            description = "Only events of these vCPUs (repeatable, or comma-separated; VM-scoped events have none).")
    List<Integer> vcpus;

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "Only events of these types: msr_write, cr0_write, dma, vcpu (online/offline), vm_config "
                    + "(repeatable, or comma-separated).")
    List<String> types;

    @Override
    void validate() {
        vms.check(false);
        range.validate();
        if (types != null) {
            for (String t : types) {
                if (!TYPES.contains(t)) {
                    throw new Args.UsageError("--type " + t + ": not an event type (one of "
                            + String.join(", ", TYPES) + ")");
                }
            }
        }
        if (vcpus != null && vcpus.stream().anyMatch(v -> v < 0)) {
            throw new Args.UsageError("--vcpu " + vcpus + ": a vCPU index is >= 0");
        }
    }

    @Override
    void query(LedgerQueries q, PrintStream out) {
        String topic = q.topic();
        TextTable t = new TextTable("vm", "vcpu", "offset", "ts", "type", "detail", "status", "source", "changes");
        for (String vm : vms.resolve(q, false)) {
            long[] r = range.resolve(q, vm, output.json);
            for (StoredEvent e : q.events(vm, r[0], r[1])) {
                Integer vcpu = e.event().getVcpu();
                if (vcpus != null && (vcpu == null || !vcpus.contains(vcpu))
                        || types != null && !types.contains(EventKind.typeOf(e.event()))) {
                    continue;
                }
                Map<String, Object> j = EventJson.event(topic, e);
                if (output.json) {
                    JsonLinesOut.print(out, j);
                } else {
                    t.row(vm, j.get("vcpu"), j.get("partition") + "@" + j.get("offset"), j.get("ts"), j.get("type"),
                            detail(j), status(j), j.get("source"), changes(j));
                }
            }
        }
        if (!output.json) {
            t.print(out);
        }
    }

    static String detail(Map<String, Object> j) {
        StringBuilder b = new StringBuilder();
        for (String k : new String[] {"msr", "value", "op", "gpa", "len", "cr0", "maxphyaddr"}) {
            if (j.containsKey(k)) {
                b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(j.get(k));
            }
        }
        if (Boolean.TRUE.equals(j.get("host_initiated"))) {
            b.append(" host");
        }
        return b.toString();
    }

    /** The outcome, and why when the fold says why: {@code rejected (reserved bits set)}. */
    static String status(Map<String, Object> j) {
        return j.get("status") + (j.get("reason") == null ? "" : " (" + j.get("reason") + ")");
    }

    /** What the event changed, {@code what old->new; ...}, from an {@link EventJson#event} row. */
    @SuppressWarnings("unchecked")
    static String changes(Map<String, Object> j) {
        StringBuilder b = new StringBuilder();
        for (Map<String, Object> c : (List<Map<String, Object>>) j.get("changes")) {
            b.append(b.length() == 0 ? "" : "; ").append(c.get("what")).append(' ').append(c.get("old")).append("->")
                    .append(c.get("new"));
        }
        return b.toString();
    }
}
