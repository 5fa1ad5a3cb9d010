package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.consume.LedgerWriter;
import org.mtrrledger.engine.consume.LogRecord;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.FirmwareChoice;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.gen.NoncoherentDma;
import org.mtrrledger.events.gen.VcpuRange;
import org.mtrrledger.events.model.EventKind;
import org.mtrrledger.projections.ledger.PoliciesState;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.zap.PolicyId;

/**
 * {@code /metrics} is computed from the store: a served store scraped by a fresh process (after a restart, or a
 * store folded by another process) gives the same series; the numbers agree with the queries; per-VM series stay
 * within the cap, the rest summed as vm="other"; and the per-scrape cache follows the store as it grows.
 */
class StoreMetricsTest {
    @TempDir
    Path data;

    /**
     * A fleet on two partitions: two 4-vCPU VMs with non-coherent DMA, three 2-vCPU VMs without, one 1-vCPU VM
     * whose id needs escaping in a label.
     */
    static List<LogRecord> fleet() {
        List<MtrrEvent> events = new ArrayList<>();
        add(events, GeneratorSpec.defaults().withSeed(3).withVms(2).withVcpus(VcpuRange.exactly(4))
                .withFirmware(FirmwareChoice.OVMF).withNoncoherentDma(NoncoherentDma.BEFORE_BOOT)
                .withVmIdPrefix("dma-"));
        add(events, GeneratorSpec.defaults().withSeed(4).withVms(3).withVcpus(VcpuRange.exactly(2))
                .withFirmware(FirmwareChoice.OVMF).withNoncoherentDma(NoncoherentDma.NONE).withVmIdPrefix("plain-"));
        add(events, GeneratorSpec.defaults().withSeed(5).withVms(1).withVcpus(VcpuRange.exactly(1))
                .withFirmware(FirmwareChoice.OVMF).withNoncoherentDma(NoncoherentDma.NONE)
                .withVmIdPrefix("odd\"vm\\"));
        EventCodec codec = new EventCodec();
        List<String> vms = events.stream().map(MtrrEvent::getVm).distinct().sorted().toList();
        long[] next = new long[2];
        List<LogRecord> out = new ArrayList<>();
        for (MtrrEvent e : events) {
            int p = vms.indexOf(e.getVm()) % 2;
            out.add(new LogRecord(org.mtrrledger.projections.StoreFixture.TOPIC, p, next[p]++, e.getVm(), codec.encode(e)));
        }
        return out;
    }

    private static void add(List<MtrrEvent> out, GeneratorSpec spec) {
        for (Iterator<MtrrEvent> it = BootLogGenerator.iterator(spec); it.hasNext(); ) {
            out.add(it.next());
        }
    }

    /** The store's series of a scrape (the process's own meters and the store size left out). */
    static Map<String, Double> storeSeries(String scrape) {
        return ApiFixture.metrics(scrape).entrySet().stream()
                .filter(e -> !e.getKey().startsWith("mtrr_engine_") && !e.getKey().startsWith("mtrr_api_")
                        && !e.getKey().startsWith("mtrr_store_size_bytes"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** GET /metrics of an {@link ApiServer} on {@code store} (no engine), with per-VM series for {@code cap} VMs. */
    static String served(LedgerStore store, int cap) throws IOException {
        try (ApiServer server = ApiServer.start(store, new InetSocketAddress("127.0.0.1", 0), new ApiMetrics(cap),
                Optional::empty)) {
            ApiFixture.Reply r = ApiFixture.get(server.port(), "/metrics");
            assertEquals(200, r.status(), r.body());
            return r.body();
        }
    }

    private void withStore(Consumer<LedgerStore> body) {
        try (LedgerStore store = LedgerStore.open(data.resolve("store"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC,
                PolicyProjection.OUTPUTS)) {
            body.accept(store);
        }
    }

    private static void fold(LedgerStore store, List<LogRecord> records) {
        LedgerWriter w = new LedgerWriter(store, new Pipeline(new PolicyProjection()), 100, PoisonPolicy.FAIL);
        for (int i = 0; i < records.size(); i += 50) {
            w.apply(records.subList(i, Math.min(records.size(), i + 50)));
        }
    }

    @Test
    void shouldLabelEveryEventTypeOnceInTheSeriesOrder() {
        assertEquals(List.of("msr_write", "cr0_write", "dma", "vcpu", "vm_config"), StoreMetrics.EVENT_KINDS);
        for (EventKind k : EventKind.values()) {
            assertEquals(k.type(), StoreMetrics.EVENT_KINDS.get(StoreMetrics.KIND_INDEX[k.ordinal()]),
                    k + " counts under its type");
        }
        int host = StoreMetrics.KIND_INDEX[EventKind.HOST_MSR_WRITE.ordinal()];
        assertEquals("msr_write", StoreMetrics.EVENT_KINDS.get(host), "a host-initiated MSR write is an msr_write");
    }

    @Test
    void shouldAgreeWithTheQueriesAndKeepTheVmSeriesWithinTheCap() throws IOException {
        List<LogRecord> log = fleet();
        withStore(store -> {
            fold(store, log);
            LedgerQueries q = new LedgerQueries(store);
            Map<String, Double> m;
            try {
                m = storeSeries(served(store, 2));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            List<String> vms = q.vms();
            assertEquals(6, vms.size(), vms.toString());
            assertEquals(6.0, m.get("mtrr_store_vms"));
            assertEquals(2.0, m.get("mtrr_noncoherent_dma_vms"));
            assertEquals(4.0, m.get("mtrr_metrics_vms_in_other"));
            assertEquals(2.0, m.get("mtrr_metrics_vm_series_cap"));

            long events = vms.stream().mapToLong(v -> q.latest(v).vm().eventCount()).sum();
            assertEquals(log.size(), events);
            assertEquals(events, ApiFixture.sum(m, "mtrr_events_total{"), 0.0);
            assertEquals(events, ApiFixture.sum(m, "mtrr_vm_events{"), 0.0, "the VM series and other "
                    + "add up to the fleet");
            assertTrue(m.get("mtrr_events_total{kind=\"msr_write\"}") > m.get("mtrr_events_total{kind=\"cr0_write\"}"));

            for (PolicyId p : PolicyId.values()) {
                long zaps = 0;
                long gfns = 0;
                long memtype = 0;
                for (String v : vms) {
                    zaps += q.zaps(v, p, 0, Long.MAX_VALUE).size();
                    var c = ((PoliciesState) q.latest(v).projection()).counters(p);
                    gfns += c.gfnsZapped();
                    memtype += c.memtypeHazards();
                }
                String policy = "policy=\"" + p.label + "\"";
                assertEquals(zaps, m.get("mtrr_zaps_total{" + policy + "}"), 0.0, p.label);
                assertEquals(gfns, m.get("mtrr_zapped_gfns_total{" + policy + "}"), 0.0, p.label);
                assertEquals(memtype, m.get("mtrr_hazards_total{kind=\"memtype\"," + policy + "}"), 0.0, p.label);
                assertEquals(zaps, m.entrySet().stream().filter(e -> e.getKey().startsWith("mtrr_vm_zaps{")
                        && e.getKey().contains(policy)).mapToDouble(Map.Entry::getValue).sum(), 0.0);
            }
            assertTrue(ApiFixture.sum(m, "mtrr_zaps_total{") > 0);

            // the two VMs with the most events have series of their own, every other VM is in "other"
            List<String> top = vms.stream().sorted((a, b) -> Long.compare(q.latest(b).vm().eventCount(),
                    q.latest(a).vm().eventCount())).limit(2).sorted().toList();
            List<String> labelled = m.keySet().stream().filter(k -> k.startsWith("mtrr_vm_zaps{"))
                    .map(k -> k.replaceAll(".*vm=\"((?:[^\"\\\\]|\\\\.)*)\".*", "$1")).distinct().sorted().toList();
            List<String> expected = new ArrayList<>(top);
            expected.add("other");
            assertEquals(expected.stream().sorted().toList(), labelled);
            assertTrue(top.stream().allMatch(v -> v.startsWith("dma-")), "the 4-vCPU VMs fold the most: " + top);

            // committed offsets and the last folded offset per partition
            q.storedOffsets().forEach((p, o) -> assertEquals(o,
                    m.get("mtrr_store_committed_offset{partition=\"" + p + "\"}"), 0.0));
            assertEquals(2, q.storedOffsets().size());
            for (int p = 0; p < 2; p++) {
                int part = p;
                long last = log.stream().filter(r -> r.ref().partition() == part).mapToLong(r -> r.ref().offset()).max()
                        .orElseThrow();
                assertEquals(last, m.get("mtrr_store_last_folded_offset{partition=\"" + p + "\"}"), 0.0);
            }
        });
    }

    @Test
    void shouldGiveTheSameSeriesAfterARestartAndForAStoreFoldedByAnotherProcess() throws IOException {
        List<LogRecord> log = fleet();
        String[] first = new String[1];
        withStore(store -> {
            fold(store, log);
            try {
                first[0] = served(store, 10);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // a new process opens the store the first one folded
        String[] again = new String[1];
        withStore(store -> {
            try {
                again[0] = served(store, 10);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(storeSeries(first[0]), storeSeries(again[0]));
        assertTrue(again[0].contains("vm=\"odd\\\"vm\\\\0\""), "a VM id is escaped in its label");
        assertTrue(again[0].contains("mtrr_store_size_bytes "), "store size");
        assertTrue(again[0].contains("# TYPE mtrr_zaps_total counter"), again[0]);
        assertTrue(again[0].contains("# TYPE mtrr_vm_zaps gauge"), again[0]);
    }

    @Test
    void shouldFollowTheStoreAsItGrowsScrapeAfterScrape() {
        List<LogRecord> log = fleet();
        withStore(store -> {
            ApiMetrics metrics = new ApiMetrics(1);
            metrics.bind(store);
            Map<String, Double> before = storeSeries(metrics.scrape());
            assertEquals(0.0, before.get("mtrr_store_vms"));
            LedgerWriter w = new LedgerWriter(store, new Pipeline(new PolicyProjection()), 100, PoisonPolicy.FAIL);
            List<Map<String, Double>> seen = new ArrayList<>();
            int step = log.size() / 5 + 1;
            for (int i = 0; i < log.size(); i += step) {
                w.apply(log.subList(i, Math.min(log.size(), i + step)));
                Map<String, Double> now = storeSeries(metrics.scrape());
                assertEquals(now, storeSeries(metrics.scrape()), "a second scrape of an unchanged store");
                ApiMetrics fresh = new ApiMetrics(1);
                fresh.bind(store);
                assertEquals(storeSeries(fresh.scrape()), now, "the cached scrape is what a fresh one computes");
                seen.add(now);
            }
            assertEquals(5, seen.size(), "scraped while folding");
            assertEquals(log.size(), ApiFixture.sum(seen.get(seen.size() - 1), "mtrr_events_total{"), 0.0);
        });
    }
}
