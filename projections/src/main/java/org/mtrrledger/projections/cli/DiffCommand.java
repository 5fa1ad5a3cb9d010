package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.engine.consume.TimeTravel;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.mtrr.MemType;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.query.Hex;
import org.mtrrledger.projections.query.JsonViews;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.MemtypeSnapshot;
import org.mtrrledger.projections.query.SnapshotDiff;
import org.mtrrledger.projections.query.SnapshotTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "The ranges whose memtype changed between two offsets, with the events in between that changed "
                + "them.")
final class DiffCommand extends QueryCommand {
    @Option(names = "--vm", required = true, paramLabel = "ID")
    String vm;

    @Option(names = "--from", required = true, paramLabel = "O1")
    long from;

    @Option(names = "--to", required = true, paramLabel = "O2")
    long to;

    @Option(names = "--vcpu", paramLabel = "N", description = "One vCPU (default: every vCPU, then the per-VM copy).")
    Integer vcpu;

    @Option(names = "--resolver", defaultValue = "kvm")
    String resolver;

    @Option(names = "--kernel", defaultValue = "v6.4")
    String kernel;

    private record Step(long offset, TimeTravel.Replayed event, List<MemtypeSnapshot> after) {
    }

    @Override
    void query(LedgerQueries q, PrintStream out) {
        if (to < from) {
            throw new Args.UsageError("--to " + to + " is before --from " + from);
        }
        GuestMtrrResolver r = Args.resolver(resolver);
        KernelEra era = Args.kernel(kernel);
        String topic = q.topic();
        VmLedger ledger = q.at(vm, from).copy();
        VmLedger end = q.at(vm, to);
        List<SnapshotTarget> targets = new ArrayList<>();
        for (VcpuState v : end.vm().vcpus()) {
            if (vcpu == null || v.index() == vcpu) {
                targets.add(new SnapshotTarget.Vcpu(v.index()));
            }
        }
        if (vcpu == null) {
            targets.add(SnapshotTarget.PER_VM);
        }
        List<MemtypeSnapshot> before = snaps(ledger, targets, from, r, era);
        List<Step> steps = new ArrayList<>();
        for (long o : q.timeTravel().offsets(vm, from + 1, to)) {
            List<TimeTravel.Replayed> one = new ArrayList<>();
            q.timeTravel().replay(ledger, vm, o, o, one);
            steps.add(new Step(o, one.get(0), snaps(ledger, targets, o, r, era)));
        }
        List<MemtypeSnapshot> after = snaps(ledger, targets, to, r, era);
        TextTable t = new TextTable("target", "GPA start", "GPA end", "size", "before", "after", "changed by");
        for (int i = 0; i < targets.size(); i++) {
            if (before.get(i) == null || after.get(i) == null) {
                continue;
            }
            for (SnapshotDiff.Changed c : SnapshotDiff.between(before.get(i), after.get(i))) {
                List<TimeTravel.Replayed> why = new ArrayList<>();
                MemtypeSnapshot prev = before.get(i);
                for (Step s : steps) {
                    MemtypeSnapshot cur = s.after().get(i);
                    if (prev == null || cur == null || SnapshotDiff.between(prev, cur).stream()
                            .anyMatch(x -> x.startGfn() < c.endGfn() && c.startGfn() < x.endGfn())) {
                        why.add(s.event());
                    }
                    prev = cur;
                }
                SnapshotTarget tg = targets.get(i);
                String label = tg instanceof SnapshotTarget.Vcpu v ? "vCPU " + v.index() : "per-VM copy";
                if (output.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("vm", vm);
                    m.put("vcpu", tg instanceof SnapshotTarget.Vcpu v ? v.index() : null);
                    m.put("from", from);
                    m.put("to", to);
                    m.put("start_gfn", Hex.of(c.startGfn()));
                    m.put("end_gfn", Hex.of(c.endGfn()));
                    m.put("before", entry(c.before()));
                    m.put("after", entry(c.after()));
                    List<Map<String, Object>> evs = new ArrayList<>();
                    for (TimeTravel.Replayed e : why) {
                        evs.add(JsonViews.trigger(topic, new LedgerQueries.StoredEvent(vm, e.ref().partition(),
                                e.ref().offset(), e.event(), new org.mtrrledger.engine.consume.FoldedEvent(vm,
                                        new byte[0], e.step().fold().outcome()))));
                    }
                    m.put("events", evs);
                    JsonLinesOut.print(out, m);
                } else {
                    StringBuilder b = new StringBuilder();
                    for (TimeTravel.Replayed e : why) {
                        b.append(b.length() == 0 ? "" : ", ").append(e.ref().offset()).append(' ')
                                .append(JsonViews.type(e.event()));
                    }
                    t.row(label, TextTable.gpa(c.startGfn()), TextTable.gpa(c.endGfn()),
                            TextTable.pages(c.endGfn() - c.startGfn()), text(c.before()), text(c.after()), b);
                }
            }
        }
        if (!output.json) {
            t.print(out);
        }
    }

    private static Map<String, Object> entry(MemtypeSnapshot.Range r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("memtype", JsonViews.memtypeLabel(r.memtype()));
        m.put("ept_memtype", MemType.label(r.eptMemtype()));
        m.put("ipat", r.ipat());
        return m;
    }

    private static String text(MemtypeSnapshot.Range r) {
        return JsonViews.memtypeLabel(r.memtype()) + "/" + MemType.label(r.eptMemtype()) + (r.ipat() ? "|IPAT" : "");
    }

    private static List<MemtypeSnapshot> snaps(VmLedger l, List<SnapshotTarget> targets, long offset,
            GuestMtrrResolver r, KernelEra era) {
        List<MemtypeSnapshot> out = new ArrayList<>();
        for (SnapshotTarget t : targets) {
            boolean exists = !(t instanceof SnapshotTarget.Vcpu v) || l.vm().vcpu(v.index()) != null;
            out.add(exists ? MemtypeSnapshot.of(l.vm(), t, l.partition(), offset, r, era) : null);
        }
        return out;
    }
}
