package org.mtrrledger.projections.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.consume.LedgerWriter;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.StoreReads;
import org.mtrrledger.engine.store.VmOverviewTable;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.projections.RandomLogs;
import org.mtrrledger.projections.StoreFixture;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * {@link VmOverview#of} from the stored overviews against a scan of every stored event of the VM (real RocksDB): two
 * VMs interleaved, folded in polls that leave their heads behind, one with files and timestamps and one without; and
 * what reading it costs is bounded by the head's lag, not by the VM's events.
 */
class VmOverviewTest {
    private static final String A = "vm-a";
    private static final String B = "vm-b";

    @TempDir
    Path tmp;

    /** The store the fixture's writer folds the interleaved log into, opened read-only as the CLI opens it. */
    private LedgerStore folded() {
        List<MtrrEvent> a = RandomLogs.of(A, 21, 6000, 3);
        for (int i = 0; i < a.size(); i++) {
            a.get(i).setSource(i % 11 == 0 ? null : new FilePosition("host-" + (i / 1500) + ".trace", (long) i));
            a.get(i).setTimestampNs(i % 13 == 0 ? null : 5_000_000L + 37L * i - (i % 17 == 0 ? 9_000 : 0));
        }
        List<MtrrEvent> b = RandomLogs.of(B, 22, 700, 2);
        List<MtrrEvent> log = new ArrayList<>();
        for (int ia = 0, ib = 0; ia < a.size() || ib < b.size(); ) {
            for (int k = 0; k < 4 && ia < a.size(); k++) {
                log.add(a.get(ia++));
            }
            if (ib < b.size()) {
                log.add(b.get(ib++));
            }
        }
        StoreFixture.fold(tmp.resolve("store"), log, 64, 37);
        return LedgerStore.open(tmp.resolve("store"), OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
    }

    /** The overview as a scan of every stored event of the VM answers it. */
    private static VmOverview fullScan(LedgerQueries q, String vm) {
        VmLedger l = q.foldAt(vm, null);
        TreeSet<String> files = new TreeSet<>();
        long[] count = {0};
        Long[] ts = {null, null};
        long[] first = {-1};
        q.events(vm, 0, Long.MAX_VALUE, e -> {
            first[0] = first[0] < 0 ? e.offset() : first[0];
            count[0]++;
            if (e.event().getSource() instanceof FilePosition f) {
                files.add(f.getFile());
            }
            Long t = e.event().getTimestampNs();
            if (t != null) {
                ts[0] = ts[0] == null ? t : Math.min(ts[0], t);
                ts[1] = ts[1] == null ? t : Math.max(ts[1], t);
            }
            return true;
        });
        return new VmOverview(vm, l.partition(), first[0] < 0 ? l.lastOffset() : first[0], l.lastOffset(),
                l.vm().vcpus().size(), count[0], List.copyOf(files), ts[0], ts[1]);
    }

    @Test
    void shouldEqualTheFullScanOfEveryVmWhileHeadsLag() {
        try (LedgerStore store = folded()) {
            LedgerQueries q = new LedgerQueries(store);
            assertTrue(new VmOverviewTable(store).get(A).asOf() < q.lastOffset(A), "A's head lags its events");
            for (String vm : q.vms()) {
                assertEquals(fullScan(q, vm), VmOverview.of(q, vm), vm);
            }
            VmOverview a = VmOverview.of(q, A);
            assertEquals(List.of("host-0.trace", "host-1.trace", "host-2.trace", "host-3.trace"), a.sources());
            assertEquals(6000, a.events());
            VmOverview b = VmOverview.of(q, B);
            assertEquals(List.of(), b.sources());
            assertEquals(null, b.firstTsNs());
            assertEquals(700, b.events());
        }
    }

    @Test
    void shouldReadTheEventsAfterTheHeadOnlyNotTheVmsWholeLog() {
        try (LedgerStore store = folded()) {
            LedgerQueries q = new LedgerQueries(store);
            StoreReads.Snapshot before = store.reads().snapshot();
            VmOverview a = VmOverview.of(q, A);
            StoreReads.Snapshot cost = store.reads().snapshot().since(before);
            assertEquals(6000, a.events());
            // two bounded scans after the head (the fold state's and the overview's), a few gets and seeks
            assertTrue(cost.steps() <= 2 * LedgerWriter.MAX_HEAD_LAG, "steps " + cost);
            assertTrue(cost.gets() + cost.seeks() <= 10, "gets and seeks " + cost);
        }
    }
}
