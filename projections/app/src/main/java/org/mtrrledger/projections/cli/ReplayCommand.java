package org.mtrrledger.projections.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.mtrrledger.broker.KafkaEndpoint;
import org.mtrrledger.engine.consume.StopCondition;
import org.mtrrledger.engine.fold.Outcome;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.projections.query.LedgerQueries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "ingest FILE... + run --until-idle, then a summary of what was folded.")
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    IngestOptions ingest;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() {
        replay(data, kafka, ingest, engine);
        return 0;
    }

    /** Ingests, folds until idle and prints the per-VM summary: {@code mtrr replay}, also behind {@code capture --replay}. */
    static void replay(DataOptions data, KafkaOptions kafka, IngestOptions ingest, EngineOptions engine) {
        ingest.checkFiles();
        try (KafkaEndpoint ep = kafka.connect(data)) {
            Ingester.Totals t = new Ingester(ep, kafka.topic(), kafka.partitions, kafka.brokerTimeout, System.out, System.err)
                    .ingest(ingest);
            EngineRunner.run(ep, kafka, data, engine, StopCondition.UNTIL_IDLE);
            summarize(data, t);
        }
    }

    /** How many VMs the summary lists. */
    private static final int SHOWN = 20;

    private static void summarize(DataOptions data, Ingester.Totals t) {
        try (LedgerStore store = StoreAccess.openForQuery(data.storeDir())) {
            LedgerQueries q = new LedgerQueries(store);
            TextTable table = new TextTable("vm", "partition", "last offset", "vCPUs", "events", "rejected writes")
                    .right(1, 2, 3, 4, 5);
            List<String> vms = List.copyOf(t.byVm.isEmpty() ? q.vms() : t.byVm.keySet());
            // Only the rows shown are read: a VM's rejected writes are a scan of its whole event log.
            for (String vm : vms.subList(0, Math.min(SHOWN, vms.size()))) {
                VmLedger l = q.foldAt(vm, null);
                long rejected = q.countOutcomes(vm, Outcome.Status.REJECTED);
                table.row(vm, l.partition(), l.lastOffset(), l.vm().vcpus().size(), l.vm().eventCount(), rejected);
            }
            table.print(System.out);
            if (vms.size() > SHOWN) {
                System.out.printf("... and %d more VMs (mtrr policies --per-vm, mtrr state --vm ID)%n",
                        vms.size() - SHOWN);
            }
        }
    }
}
