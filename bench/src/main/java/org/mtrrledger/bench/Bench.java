package org.mtrrledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.KeyValueStore;
import org.mtrrledger.broker.BrokerInfo;
import org.mtrrledger.broker.EmbeddedBroker;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.FleetGenerator;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.kafka.EncodedEvents;
import org.mtrrledger.events.kafka.EventPublisher;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.kafka.KafkaLogDefaults;
import org.mtrrledger.events.kafka.KeyedRecord;
import org.mtrrledger.events.kafka.PrefetchingRecords;
import org.mtrrledger.events.kafka.PublishOutcome;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.events.parse.LogFormat;
import org.mtrrledger.events.parse.LogParser;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParsedLog;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.MemtypeQuery;
import org.mtrrledger.projections.query.MemtypeSnapshot;
import org.mtrrledger.projections.query.SnapshotTarget;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * The end-to-end harness behind {@code bench/run}: one sub-command per JVM. Each writes a JSON file (machine, raw
 * runs, extra facts); {@code report} merges them, computes medians and prints the table.
 */
public final class Bench {
    /** The canonical events topic each size's later measurements read (published by ingest run 0 via the real path). */
    static final String TOPIC = "mtrr.events";
    static final int PARTITIONS = 4;
    static final String ENGINE_GROUP = "mtrr-engine";

    static {
        KafkaLogDefaults.apply();
    }

    private Bench() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: Bench broker|gen|ingest|fold|rebuild|timetravel|append|resume|report --key value ...");
            System.exit(2);
        }
        HarnessArgs a = new HarnessArgs(argv, 1);
        switch (argv[0]) {
            case "broker" -> EmbeddedBroker.runForeground(a.path("data"), System.out);
            case "gen" -> gen(a);
            case "ingest" -> ingest(a);
            case "fold" -> fold(a);
            case "rebuild" -> rebuild(a);
            case "timetravel" -> timeTravel(a);
            case "append" -> append(a);
            case "resume" -> resume(a);
            case "report" -> Report.run(a);
            default -> throw new IllegalArgumentException("unknown command " + argv[0]);
        }
        System.exit(0); // Kafka/RocksDB threads must not keep the JVM alive
    }

    static String bootstrap(HarnessArgs a) {
        Path data = a.path("broker-data");
        return BrokerInfo.read(data).orElseThrow(() -> new IllegalStateException("no broker running on " + data))
                .bootstrap();
    }

    // ------------------------------------------------------------------------------------------------ gen

    /**
     * Generates the fleet log of about {@code --events} events (typicalFleet, {@code --seed}, default 42) into
     * {@code --file}. {@code --layout interleaved} (the default) interleaves the VMs as a host's trace does
     * ({@link Interleave}, drawn with the fleet's seed); {@code vm-after-vm} leaves them as the generator writes them.
     */
    static void gen(HarnessArgs a) throws IOException {
        long target = a.num("events");
        long seed = a.num("seed", 42);
        Path file = a.path("file");
        String layout = a.str("layout", "interleaved");
        if (!layout.equals("interleaved") && !layout.equals("vm-after-vm")) {
            throw new IllegalArgumentException("--layout must be interleaved or vm-after-vm, got " + layout);
        }
        FleetGenerator.FleetPlan plan = FleetGenerator.plan(FleetGenerator.typicalFleet(seed), target);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Path vmAfterVm = file.resolveSibling(file.getFileName() + ".vm-after-vm.tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        long t0 = System.nanoTime();
        long n;
        long t1;
        if (layout.equals("interleaved")) {
            try {
                n = BootLogGenerator.write(plan.spec(), vmAfterVm, LogFormat.JSONL);
                t1 = System.nanoTime();
                Interleave.Summary s = Interleave.interleave(vmAfterVm, tmp, seed);
                check(s.lines() == n, "interleaved " + s.lines() + " lines of " + n + " events");
            } finally {
                Files.deleteIfExists(vmAfterVm);
            }
        } else {
            n = BootLogGenerator.write(plan.spec(), tmp, LogFormat.JSONL);
            t1 = System.nanoTime();
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long t2 = System.nanoTime();
        System.err.printf("bench: generated %,d events of %d VMs (typicalFleet seed %d, target %,d, %s) into %s in"
                + " %.1f s (%.1f s writing, %.1f s interleaving)%n", n, plan.spec().vms(), seed, target, layout, file,
                (t2 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }

    // --------------------------------------------------------------------------------------------- ingest

    /**
     * Ingest: (a) the real path, parse the JSONL file with LogParser + EventCodec.encode + EventPublisher.publishFile
     * (SHA-256 of the file included, as the CLI does); (b) the producer alone: the same publishFile over records
     * encoded beforehand. Alternating order; each run publishes into fresh topics; run 0's real-path topic is the
     * canonical topic the other measurements read.
     */
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static void ingest(HarnessArgs a) throws IOException {
        Out out = new Out("ingest", a);
        String bootstrap = bootstrap(a);
        Path file = a.path("file");
        int runs = (int) a.num("runs", 3);
        IngestDigest digest = IngestDigest.sha256(file);
        List<KeyedRecord> pre = new ArrayList<>();
        try (ParsedLog log = LogParser.forFormat(LogFormat.JSONL).open(file, ParseOptions.DEFAULTS)) {
            EventCodec codec = new EventCodec();
            for (MtrrEvent e : log) {
                e.setIngest(digest.hex());
                pre.add(new KeyedRecord(e.getVm(), codec.encode(e)));
            }
        }
        long payload = pre.stream().mapToLong(r -> r.value().length).sum();
        out.extra.put("events", pre.size());
        out.extra.put("file", file.getFileName().toString()); // its name says its layout (bench/run: -il)
        out.extra.put("file_bytes", Files.size(file));
        out.extra.put("mean_record_value_bytes", Stats.round((double) payload / pre.size()));
        for (int i = 0; i < runs; i++) {
            Map<String, Object> run = out.newRun();
            String[] order = i % 2 == 0 ? new String[] {"parse", "raw"} : new String[] {"raw", "parse"};
            for (String mode : order) {
                String topic = mode.equals("parse") && i == 0 ? TOPIC : "bench.ingest." + mode + "." + i;
                ensureTopics(bootstrap, topic);
                long t0;
                long t1;
                long cpu0;
                long cpu1;
                PublishOutcome outcome;
                try (EventPublisher pub = new EventPublisher(bootstrap, topic, EventPublisher.transactionalIdFor(topic))) {
                    cpu0 = PROCESS.getProcessCpuTime();
                    t0 = System.nanoTime();
                    if (mode.equals("parse")) {
                        IngestDigest d = IngestDigest.sha256(file);
                        try (ParsedLog log = LogParser.forFormat(LogFormat.JSONL).open(file, ParseOptions.DEFAULTS)) {
                            // As `mtrr ingest` does: parse + encode a chunk ahead on their own thread.
                            try (PrefetchingRecords records = new PrefetchingRecords(
                                    EncodedEvents.of(log.iterator(), d, e -> { }), "bench")) {
                                outcome = pub.publishFile(d, file.toString(), records, s -> { });
                            }
                        }
                    } else {
                        outcome = pub.publishFile(digest, file.toString(), pre.iterator(), s -> { });
                    }
                    t1 = System.nanoTime();
                    cpu1 = PROCESS.getProcessCpuTime();
                }
                long n = outcome.summary().eventCount();
                if (n != pre.size()) {
                    throw new IllegalStateException(mode + " published " + n + " of " + pre.size());
                }
                run.put(mode + "_events_per_s", Out.rate(n, t1 - t0));
                run.put(mode + "_s", Stats.round((t1 - t0) / 1e9));
                // This JVM's CPU (all its threads) per event: steadier than wall time on a shared machine.
                run.put(mode + "_cpu_ns_per_event", Stats.round((double) (cpu1 - cpu0) / n));
                if (!topic.equals(TOPIC)) {
                    KafkaBits.deleteTopics(bootstrap, List.of(topic, TopicAdmin.ledgerTopicOf(topic)));
                }
                System.err.printf("bench: ingest run %d %-5s %,d events in %.2f s = %,.0f ev/s, %.0f ns CPU/event%n",
                        i, mode, n, (t1 - t0) / 1e9, n * 1e9 / (t1 - t0), (double) (cpu1 - cpu0) / n);
            }
            run.put("ingest_over_producer", Stats.round((double) run.get("parse_events_per_s")
                    / (double) run.get("raw_events_per_s")));
        }
        out.write(a.path("out"));
    }

    /**
     * TopicAdmin.ensureTopic describes the topic right after creating it and sometimes gets
     * UnknownTopicOrPartition from a broker whose metadata has not caught up yet ("vanished right after it was
     * created"); the topic is there a moment later, so the harness retries.
     */
    static void ensureTopics(String bootstrap, String topic) {
        for (int attempt = 1; ; attempt++) {
            try {
                TopicAdmin.ensureTopic(bootstrap, topic, PARTITIONS);
                TopicAdmin.ensureIngestLedger(bootstrap, TopicAdmin.ledgerTopicOf(topic));
                return;
            } catch (IllegalStateException e) {
                if (attempt >= 20 || e.getMessage() == null || !e.getMessage().contains("vanished")) {
                    throw e;
                }
                System.err.println("bench: retrying topic creation (" + e.getMessage() + ")");
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- fold

    /**
     * Fold: per run and in rotating order, those of {@code --kinds} (default all): (a) consume-and-discard, (b) the
     * engine with everything on into a fresh store, (c) Kafka Streams groupByKey().aggregate() running the engine's folds
     * (no projection) on ledger bytes into its RocksDB store, (d) the same folds through the Processor API. All read the whole canonical topic. bench/run runs (c) in a JVM of its own
     * with the RocksDB kafka-streams was built with, and passes the engine's result file as {@code --engine-runs} so
     * that each Streams run gets its fold / Streams ratio.
     */
    static void fold(HarnessArgs a) throws Exception {
        Out out = new Out("fold", a);
        String bootstrap = bootstrap(a);
        String topic = a.str("topic", TOPIC);
        Path work = a.path("work");
        int runs = (int) a.num("runs", 3);
        // Untimed: counts the records, finds the targets, and warms the page cache and the consumer code.
        KafkaBits.Drain warm = KafkaBits.drain(bootstrap, topic, "bench-warm-" + System.nanoTime());
        Map<Integer, Long> targets = KafkaBits.nextOffsetsAfterLastRecord(bootstrap, topic);
        long n = warm.records();
        out.extra.put("events", n);
        out.extra.put("value_bytes", warm.valueBytes());
        out.extra.put("targets", targets);
        out.extra.put("streams_aggregate", "the engine's folds without projection (Pipeline with Projection.NONE: "
                + "Fold.apply + PerVmCopy.apply) on ledger bytes: decode event + VmLedger.decode + step + "
                + "VmLedger.encode per record; default Streams config (at_least_once, 10 MB cache, "
                + "changelog on), 1 stream thread, read_committed");
        out.extra.put("streams_processor", "Processor API: the engine's folds without projection on VmLedger "
                + "objects held in memory, the "
                + "dirty ones encoded and put into the RocksDB store (changelog on) by a punctuation every commit "
                + "interval (" + PROCESSOR_COMMIT_MS + " ms, commit.interval.ms set to match), 1 stream thread, "
                + "read_committed");
        // Streams folds ~17k events/s here: three runs at 10M would take half an hour on their own. Above the
        // limit the comparison is skipped (the table shows "-") and the JSON says so.
        long streamsMax = a.num("streams-max-events", 2_000_000);
        boolean withStreams = n <= streamsMax;
        if (!withStreams) {
            out.extra.put("streams_skipped", "more than " + streamsMax + " events (--streams-max-events)");
        }
        List<String> asked = List.of(a.str("kinds", "consume,engine,streams,processor").split(","));
        String[] kinds = asked.stream().filter(k -> withStreams || !(k.equals("streams") || k.equals("processor")))
                .toArray(String[]::new);
        // The RocksDB this JVM loaded: the engine's, or (bench/run's Streams JVM) the one kafka-streams declares.
        out.extra.put("rocksdb_" + String.join("+", asked), LedgerStore.nativeVersion());
        JsonNode engineRuns = a.has("engine-runs") ? Out.JSON.readTree(a.path("engine-runs").toFile()).path("runs")
                : MissingNode.getInstance();
        for (int i = 0; i < runs && kinds.length > 0; i++) {
            Map<String, Object> run = out.newRun();
            for (int k = 0; k < kinds.length; k++) {
                String kind = kinds[(k + i) % kinds.length];
                long nanos;
                switch (kind) {
                    case "consume" -> {
                        KafkaBits.Drain d = KafkaBits.drain(bootstrap, topic, "bench-drain-" + i + "-" + System.nanoTime());
                        check(d.records() == n, "consume read " + d.records() + " of " + n);
                        nanos = d.nanos();
                    }
                    case "engine" -> nanos = engineFold(bootstrap, topic, work.resolve("fold-store-" + i),
                            "bench-fold-" + i + "-" + System.nanoTime(), targets, n, run);
                    case "processor" -> nanos = processorFold(bootstrap, topic, work.resolve("processor-" + i), i, n,
                            run);
                    default -> nanos = streamsFold(bootstrap, topic, work.resolve("streams-" + i), i, n, run);
                }
                run.put(kind + "_events_per_s", Out.rate(n, nanos));
                run.put(kind + "_s", Stats.round(nanos / 1e9));
                System.err.printf("bench: fold run %d %-7s %,d events in %.2f s = %,.0f ev/s%n", i, kind, n,
                        nanos / 1e9, n * 1e9 / nanos);
            }
            if (run.containsKey("consume_events_per_s") && run.containsKey("engine_events_per_s")) {
                run.put("fold_over_consume", Stats.round((double) run.get("engine_events_per_s")
                        / (double) run.get("consume_events_per_s")));
            }
            JsonNode engine = run.containsKey("engine_events_per_s")
                    ? DoubleNode.valueOf((double) run.get("engine_events_per_s"))
                    : engineRuns.path(i).path("engine_events_per_s");
            if (run.containsKey("streams_events_per_s") && engine.isNumber()) {
                run.put("fold_over_streams", Stats.round(engine.asDouble() / (double) run.get("streams_events_per_s")));
            }
            if (run.containsKey("processor_events_per_s") && engine.isNumber()) {
                run.put("fold_over_processor",
                        Stats.round(engine.asDouble() / (double) run.get("processor_events_per_s")));
            }
        }
        out.write(a.path("out"));
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    /** Fresh store, engine from offset 0 until the store holds the targets; timed from store open. */
    static long engineFold(String bootstrap, String topic, Path dir, String group, Map<Integer, Long> targets, long n,
            Map<String, Object> run) throws InterruptedException {
        Env.deleteRecursively(dir);
        long t0 = System.nanoTime();
        long t1;
        try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY, Durability.WAL_NO_SYNC, PolicyProjection.OUTPUTS);
                EngineHarness h = new EngineHarness(bootstrap, topic, group, store)) {
            h.start();
            t1 = h.awaitStored(targets, TimeUnit.MINUTES.toNanos(30));
            h.stop();
            run.put("engine_wakeup_escaped", h.wakeupEscaped ? 1 : 0);
            check(h.projection.steps == n, "engine folded " + h.projection.steps + " of " + n);
            run.put("engine_store_bytes", store.approximateSizeOnDisk());
        }
        Env.deleteRecursively(dir);
        return t1 - t0;
    }

    /**
     * The engine's folds without the projection ({@link Projection#NONE}: KVM's fold and the per-VM copy), which is
     * what both Streams baselines run per record. Their ledgers' offsets are not tracked: the baselines need none.
     */
    static final Pipeline FOLDS = new Pipeline(Projection.NONE);
    private static final EventRef UNTRACKED = new EventRef("untracked", 0, 0);

    /** Streams app with the real folds in the aggregator; timed from start() until the aggregator has seen n records. */
    static long streamsFold(String bootstrap, String topic, Path stateDir, int i, long n, Map<String, Object> run)
            throws InterruptedException {
        String app = "bench-streams-" + i + "-" + System.nanoTime();
        Properties p = streamsConfig(app, bootstrap, stateDir);
        AtomicLong count = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        EventCodec codec = new EventCodec();
        byte[] empty = new byte[0];
        StreamsBuilder b = new StreamsBuilder();
        b.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray())).groupByKey()
                .aggregate(() -> empty, (vm, value, agg) -> {
                    MtrrEvent e = codec.decode(value);
                    VmLedger l = agg.length == 0 ? FOLDS.newLedger(vm) : VmLedger.decode(agg, Projection.NONE);
                    FOLDS.step(l, UNTRACKED, e);
                    if (count.incrementAndGet() == n) {
                        done.countDown();
                    }
                    return l.encode();
                }, Materialized.<String, byte[], KeyValueStore<Bytes, byte[]>>as("vm-state")
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()));
        return runStreams(b, p, done, "streams", () -> count.get() + " of " + n, app, bootstrap, stateDir, run);
    }

    /** The Processor API baseline's commit interval, which is also how often it flushes its in-memory state. */
    static final long PROCESSOR_COMMIT_MS = 1000;

    /**
     * Kafka Streams written as an expert would for a fold: the Processor API with each VM's state held in memory as
     * objects (no decode/encode per record), the dirty ones written to the RocksDB store once per commit interval by
     * a wall-clock punctuation (and on close). Timed like {@link #streamsFold}: from start() until n records folded.
     */
    static long processorFold(String bootstrap, String topic, Path stateDir, int i, long n, Map<String, Object> run)
            throws InterruptedException {
        String app = "bench-processor-" + i + "-" + System.nanoTime();
        Properties p = streamsConfig(app, bootstrap, stateDir);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, PROCESSOR_COMMIT_MS);
        AtomicLong count = new AtomicLong();
        AtomicLong flushes = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("vm-state"), Serdes.String(),
                Serdes.ByteArray()).withCachingDisabled());
        b.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray())).process(
                () -> new Processor<String, byte[], Void, Void>() {
                    private final EventCodec codec = new EventCodec();
                    private final Map<String, VmLedger> states = new java.util.HashMap<>();
                    private final java.util.Set<String> dirty = new java.util.HashSet<>();
                    private KeyValueStore<String, byte[]> store;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        store = context.getStateStore("vm-state");
                        context.schedule(Duration.ofMillis(PROCESSOR_COMMIT_MS), PunctuationType.WALL_CLOCK_TIME,
                                t -> flush());
                    }

                    @Override
                    public void process(Record<String, byte[]> r) {
                        VmLedger l = states.computeIfAbsent(r.key(), vm -> {
                            byte[] stored = store.get(vm);
                            return stored == null ? FOLDS.newLedger(vm) : VmLedger.decode(stored, Projection.NONE);
                        });
                        FOLDS.step(l, UNTRACKED, codec.decode(r.value()));
                        dirty.add(r.key());
                        if (count.incrementAndGet() == n) {
                            done.countDown();
                        }
                    }

                    private void flush() {
                        for (String vm : dirty) {
                            store.put(vm, states.get(vm).encode());
                        }
                        dirty.clear();
                        flushes.incrementAndGet();
                    }

                    @Override
                    public void close() {
                        flush();
                    }
                }, "vm-state");
        long nanos = runStreams(b, p, done, "processor", () -> count.get() + " of " + n, app, bootstrap, stateDir,
                run);
        run.put("processor_flushes", flushes.get());
        return nanos;
    }

    /** The settings both Streams baselines share: one stream thread, read_committed, from the earliest offset. */
    static Properties streamsConfig(String app, String bootstrap, Path stateDir) {
        Env.deleteRecursively(stateDir);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.consumerPrefix("isolation.level"), "read_committed");
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return p;
    }

    /**
     * Runs a Streams topology from start() until {@code done} (timed), then closes it (close time, state size as
     * {@code <kind>_close_s}, {@code <kind>_state_bytes}) and removes its state and changelog.
     */
    static long runStreams(StreamsBuilder b, Properties p, CountDownLatch done, String kind,
            java.util.function.Supplier<String> progress, String app, String bootstrap, Path stateDir,
            Map<String, Object> run) throws InterruptedException {
        KafkaStreams ks = new KafkaStreams(b.build(), p);
        long t0 = System.nanoTime();
        ks.start();
        boolean finished = done.await(30, TimeUnit.MINUTES);
        long t1 = System.nanoTime();
        ks.close(Duration.ofSeconds(60));
        long t2 = System.nanoTime();
        check(finished, kind + " folded only " + progress.get());
        run.put(kind + "_close_s", Stats.round((t2 - t1) / 1e9));
        run.put(kind + "_state_bytes", Env.du(stateDir));
        ks.cleanUp();
        KafkaBits.deleteTopics(bootstrap, List.of(app + "-vm-state-changelog"));
        Env.deleteRecursively(stateDir);
        return t1 - t0;
    }

    // ------------------------------------------------------------------------------------ rebuild + memory

    /**
     * Rebuild (what {@code mtrr rebuild} does: drop the store, refold from offset 0 until caught up), then memory:
     * heap used after System.gc() with the engine still alive, RSS, RocksDB size and the topic's size on disk.
     */
    static void rebuild(HarnessArgs a) throws Exception {
        long launched = a.num("launched-ns");
        long mainEpoch = epochNanos();
        Out out = new Out("rebuild", a);
        String bootstrap = bootstrap(a);
        Path dir = a.path("store");
        Map<Integer, Long> targets = KafkaBits.nextOffsetsAfterLastRecord(bootstrap, TOPIC);
        Map<String, Object> run = out.newRun();
        long t0 = System.nanoTime();
        if (Files.isDirectory(dir)) {
            LedgerStore.destroy(dir);
        }
        LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY, Durability.WAL_NO_SYNC, PolicyProjection.OUTPUTS);
        EngineHarness h = new EngineHarness(bootstrap, TOPIC, ENGINE_GROUP, store);
        h.start();
        long t1 = h.awaitStored(targets, TimeUnit.MINUTES.toNanos(60));
        long doneEpoch = epochNanos();
        h.stop();
        run.put("engine_wakeup_escaped", h.wakeupEscaped ? 1 : 0);
        run.put("events", h.projection.steps);
        run.put("jvm_start_to_main_s", Stats.round((mainEpoch - launched) / 1e9));
        run.put("refold_s", Stats.round((t1 - t0) / 1e9));
        run.put("refold_events_per_s", Out.rate(h.projection.steps, t1 - t0));
        run.put("process_start_to_caught_up_s", Stats.round((doneEpoch - launched) / 1e9));
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        run.put("heap_used_after_gc_mib", Stats.round(mem.getHeapMemoryUsage().getUsed() / 1048576.0));
        run.put("heap_committed_mib", Stats.round(mem.getHeapMemoryUsage().getCommitted() / 1048576.0));
        run.put("nonheap_used_mib", Stats.round(mem.getNonHeapMemoryUsage().getUsed() / 1048576.0));
        run.put("rss_mib", Stats.round(Env.rssKib() / 1024.0));
        run.put("peak_rss_mib", Stats.round(Env.peakRssKib() / 1024.0));
        run.put("store_approx_bytes", store.approximateSizeOnDisk());
        run.put("store_du_bytes_open", Env.du(dir));
        Reference.reachabilityFence(h); // the engine's ledger cache must count in the heap above
        h.close();
        store.close();
        run.put("store_du_bytes_closed", Env.du(dir));
        run.put("store_allocated_bytes_closed", Env.allocatedBytes(dir));
        run.put("topic_log_bytes", Env.topicLogBytes(a.path("broker-data"), TOPIC));
        run.put("topic_allocated_bytes", Env.topicAllocatedBytes(a.path("broker-data"), TOPIC));
        run.put("topic_apparent_bytes", Env.topicBytes(a.path("broker-data"), TOPIC));
        System.err.printf("bench: rebuild %,d events: refold %.2f s, process start to caught up %.2f s, heap %.0f MiB,"
                + " RSS %.0f MiB%n", h.projection.steps, (t1 - t0) / 1e9, (doneEpoch - launched) / 1e9,
                run.get("heap_used_after_gc_mib"), run.get("rss_mib"));
        out.write(a.path("out"));
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // -------------------------------------------------------------------------------------- append/resume

    /** Publishes one new VM's boot log (not timed): the records a restarted engine will consume first. */
    static void append(HarnessArgs a) {
        String bootstrap = bootstrap(a);
        long seed = a.num("seed");
        GeneratorSpec spec = FleetGenerator.typicalFleet(1000 + seed).withVms(1).withVmIdPrefix("late-" + seed + "-");
        EventCodec codec = new EventCodec();
        List<KeyedRecord> recs = new ArrayList<>();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (Iterator<MtrrEvent> it = BootLogGenerator.iterator(spec); it.hasNext(); ) {
            byte[] v = codec.encode(it.next());
            recs.add(new KeyedRecord("late-" + seed + "-0", v));
            all.writeBytes(v);
        }
        try (EventPublisher pub = new EventPublisher(bootstrap, TOPIC, EventPublisher.transactionalIdFor(TOPIC))) {
            pub.publishFile(IngestDigest.sha256(all.toByteArray()), "bench-append-" + seed, recs.iterator(), s -> { });
        }
        System.err.printf("bench: appended %d events of VM late-%d-0%n", recs.size(), seed);
    }

    /** Restart on an existing, caught-up store: process start to first record folded, then to caught up. */
    static void resume(HarnessArgs a) throws Exception {
        long launched = a.num("launched-ns");
        long mainEpoch = epochNanos();
        Out out = new Out("resume", a);
        String bootstrap = bootstrap(a);
        Path dir = a.path("store");
        Map<String, Object> run = out.newRun();
        long s0 = System.nanoTime();
        try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY, Durability.WAL_NO_SYNC, PolicyProjection.OUTPUTS)) {
            long s1 = System.nanoTime();
            try (EngineHarness h = new EngineHarness(bootstrap, TOPIC, ENGINE_GROUP, store)) {
                h.start();
                h.awaitFirstStep(TimeUnit.MINUTES.toNanos(5));
                long first = h.projection.firstStepEpochNanos;
                Map<Integer, Long> targets = KafkaBits.nextOffsetsAfterLastRecord(bootstrap, TOPIC);
                h.awaitStored(targets, TimeUnit.MINUTES.toNanos(5));
                long caughtUp = epochNanos();
                h.stop();
                run.put("engine_wakeup_escaped", h.wakeupEscaped ? 1 : 0);
                run.put("jvm_start_to_main_s", Stats.round((mainEpoch - launched) / 1e9));
                run.put("store_open_s", Stats.round((s1 - s0) / 1e9));
                run.put("process_start_to_first_record_s", Stats.round((first - launched) / 1e9));
                run.put("process_start_to_caught_up_s", Stats.round((caughtUp - launched) / 1e9));
                run.put("events_folded_on_resume", h.projection.steps);
                System.err.printf("bench: resume: first record folded %.3f s after process start (JVM to main %.3f s,"
                        + " store open %.3f s), %d events folded, caught up at %.3f s%n", (first - launched) / 1e9,
                        (mainEpoch - launched) / 1e9, (s1 - s0) / 1e9, h.projection.steps, (caughtUp - launched) / 1e9);
            }
        }
        out.write(a.path("out"));
    }

    // --------------------------------------------------------------------------------------- time travel

    /**
     * Time travel over the rebuilt store (opened read-only): memtype snapshots (LedgerQueries.at + MemtypeSnapshot.of,
     * vCPU 0, kvm resolver, v6.4) and zaps-by-GFN (LedgerQueries.zaps over all policies in [0, offset] filtered by
     * a GFN), each for a random VM at a random offset inside that VM's own offsets, interleaved.
     */
    static void timeTravel(HarnessArgs a) throws IOException {
        Out out = new Out("timetravel", a);
        int queries = (int) a.num("queries", 1000);
        int warmup = (int) a.num("warmup", 300);
        try (LedgerStore store = LedgerStore.open(a.path("store"), OpenMode.READ_ONLY, PolicyProjection.OUTPUTS)) {
            LedgerQueries q = new LedgerQueries(store);
            List<String> vms = q.vms();
            long[] first = new long[vms.size()];
            long[] last = new long[vms.size()];
            long[] gfnLimit = new long[vms.size()];
            for (int v = 0; v < vms.size(); v++) {
                first[v] = q.firstOffset(vms.get(v));
                VmLedger latest = q.latest(vms.get(v));
                last[v] = latest.lastOffset();
                gfnLimit[v] = latest.vm().settings().gfnLimit();
            }
            SplittableRandom rnd = new SplittableRandom(a.num("seed", 7));
            long[] memNanos = new long[queries];
            long[] zapNanos = new long[queries];
            long sink = 0;
            long noVcpu0 = 0;
            long zapHits = 0;
            long zapsScanned = 0;
            for (int i = -warmup; i < queries; i++) {
                int v = rnd.nextInt(vms.size());
                String vm = vms.get(v);
                long off = first[v] + rnd.nextLong(last[v] - first[v] + 1);
                long t0 = System.nanoTime();
                try {
                    // Exactly what `mtrr memtype --vm V --at O --vcpu 0` and GET /api/vms/V/memtype compute.
                    MemtypeSnapshot s = MemtypeQuery.snapshots(q, vm, off, new SnapshotTarget.Vcpu(0),
                            KvmMtrrResolver.INSTANCE, KernelEra.V6_4).get(0);
                    sink += s.ranges().size();
                } catch (IllegalArgumentException noVcpu) {
                    if (i >= 0) {
                        noVcpu0++;
                    }
                }
                long t1 = System.nanoTime();
                int w = rnd.nextInt(vms.size());
                String zvm = vms.get(w);
                long zoff = first[w] + rnd.nextLong(last[w] - first[w] + 1);
                long gfn = rnd.nextLong(gfnLimit[w]);
                long t2 = System.nanoTime();
                int hits = 0;
                int scanned = 0;
                for (PolicyId p : PolicyId.values()) {
                    for (ZapRecord z : q.zaps(zvm, p, 0, zoff)) {
                        scanned++;
                        if (z.range().contains(gfn)) {
                            hits++;
                        }
                    }
                }
                long t3 = System.nanoTime();
                if (i >= 0) {
                    memNanos[i] = t1 - t0;
                    zapNanos[i] = t3 - t2;
                    zapHits += hits;
                    zapsScanned += scanned;
                }
            }
            Map<String, Object> run = out.newRun();
            run.put("memtype", Stats.latencyMs(memNanos));
            run.put("zaps_by_gfn", Stats.latencyMs(zapNanos));
            out.extra.put("vms", vms.size());
            out.extra.put("warmup_queries_each", warmup);
            out.extra.put("memtype_queries_without_vcpu0_yet", noVcpu0);
            out.extra.put("zaps_scanned_per_query_mean", Stats.round((double) zapsScanned / queries));
            out.extra.put("zap_hits_per_query_mean", Stats.round((double) zapHits / queries));
            out.extra.put("checkpoint_every", EngineHarness.CHECKPOINT_EVERY);
            out.extra.put("sink", sink);
            System.err.printf("bench: time travel over %d VMs: memtype %s; zaps-by-GFN %s%n", vms.size(),
                    run.get("memtype"), run.get("zaps_by_gfn"));
        }
        out.write(a.path("out"));
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
