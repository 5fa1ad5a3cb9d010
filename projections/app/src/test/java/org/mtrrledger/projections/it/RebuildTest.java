package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.StoreDigest;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * A live fold (a child engine following the topic while three fleets are published into it, one after another,
 * then stopped with SIGTERM) against {@code mtrr rebuild} of the same data directory (in process): the store is a
 * cache of the log, so dropping it and refolding from offset 0 must give the same bytes, however the live fold's
 * batches happened to fall.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RebuildTest extends WithEmbeddedBroker {
    private static final int PARTITIONS = 4;
    private static final String TOPIC = "rebuild.events";
    private static final String CHECKPOINT_EVERY = "97";
    private static final Path LOGS = ItSupport.logDir(RebuildTest.class);

    @Test
    void shouldRebuildByteIdenticalStateEventsZapsAndHazardsAfterALiveFold() throws Exception {
        String bootstrap = broker.bootstrap();
        Path data = dir.resolve("data");
        Path store = data.resolve("store");
        ItSupport.publish(bootstrap, TOPIC, PARTITIONS, ItSupport.fleet(11, 40).withVmIdPrefix("a-"), 5_000);

        ItSupport.Child live = ItSupport.startCli(LOGS, "engine-live", List.of("run", "--bootstrap", bootstrap,
                "--topic", TOPIC, "--data", data.toString(), "--group", "live", "--checkpoint-every",
                CHECKPOINT_EVERY));
        Map<Integer, Long> complete;
        Map<Integer, TreeSet<Long>> records;
        try (ItSupport.StoreWatcher w = new ItSupport.StoreWatcher(store, dir.resolve("secondary"))) {
            records = ItSupport.recordOffsets(bootstrap, TOPIC);
            ItSupport.awaitFolded(live, w, TOPIC, ItSupport.completeOffsets(records), Duration.ofSeconds(90));
            // Two more fleets while the engine follows the topic.
            ItSupport.publish(bootstrap, TOPIC, PARTITIONS, ItSupport.fleet(12, 30).withVmIdPrefix("b-"), 4_000);
            ItSupport.publish(bootstrap, TOPIC, PARTITIONS, ItSupport.fleet(13, 30).withVmIdPrefix("c-"), 4_000);
            records = ItSupport.recordOffsets(bootstrap, TOPIC);
            complete = ItSupport.completeOffsets(records);
            log("published %s", ItSupport.summarize(records));
            ItSupport.awaitFolded(live, w, TOPIC, complete, Duration.ofSeconds(90));
        }
        live.terminate(Duration.ofSeconds(30));
        log("live engine stopped: %s", live.output().replace('\n', ' '));
        String folded = String.format("folded %,d events", ItSupport.foldedRecords(records, complete));
        assertTrue(live.stdoutText().contains(folded),
                "SIGTERM: the run loop returns and prints its summary\n" + live.output());

        Map<Column, StoreDigest.Table> before = ItSupport.digest(store);
        log("live fold: %s", before);
        assertTrue(before.get(PolicyProjection.ZAPS.column()).entries() > 0
                && before.get(PolicyProjection.HAZARDS.column()).entries() > 0,
                "the log should produce zaps and hazards: " + before);
        assertEquals(100, before.get(Column.VM_STATE).entries(), "VMs");
        Path copy = dir.resolve("live-copy");
        copyDir(store, copy);

        ItSupport.CliResult r = ItSupport.cliOk("rebuild", "--bootstrap", bootstrap, "--topic", TOPIC, "--data",
                data.toString(), "--group", "live", "--checkpoint-every", CHECKPOINT_EVERY);
        assertTrue(r.err().contains("# dropped store"), r.toString());

        assertEquals(complete, ItSupport.storedOffsets(store, TOPIC, PARTITIONS), "rebuilt store's offsets");
        ItSupport.assertSameFold(copy, store, "live fold vs rebuild");
        assertEquals(before, ItSupport.digest(store));
    }

    private static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static void log(String fmt, Object... args) {
        System.out.printf("[rebuild-it] " + fmt + "%n", args);
    }
}
