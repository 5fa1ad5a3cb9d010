package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.mtrrledger.engine.consume.FoldedEvent;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.SkippedTable;
import org.mtrrledger.engine.store.StoreDigest;
import org.mtrrledger.engine.store.ValueCodec;
import org.mtrrledger.engine.store.VmStateTable;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.FirmwareChoice;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.gen.NoncoherentDma;
import org.mtrrledger.events.gen.Pci64HoleUc;
import org.mtrrledger.events.gen.Scenarios;
import org.mtrrledger.events.gen.VcpuRange;
import org.mtrrledger.events.kafka.EventPublisher;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.kafka.KeyedRecord;
import org.mtrrledger.events.kafka.PublishOutcome;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.events.kafka.TopicReader;
import org.mtrrledger.projections.cli.MtrrCli;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * Shared plumbing of the engine integration tests: generating and publishing fleet logs, running the CLI in child
 * JVMs or in process, and reading stores back (digests per column, stored offsets).
 */
final class ItSupport {
    /** The columns compared between stores: everything the fold writes except META (offsets, bookkeeping). */
    static final List<Column> FOLDED = List.of(Column.VM_STATE, Column.EVENTS, Column.SKIPPED,
            PolicyProjection.ZAPS.column(), PolicyProjection.HAZARDS.column(), Column.CHECKPOINTS);

    private ItSupport() {
    }

    // ------------------------------------------------------------------------------------ logs

    /**
     * A fleet with non-coherent DMA from before boot (so guest MTRRs are honoured and the policies zap), mixed
     * firmware, small VMs (many of them, so the 4 partitions all get some), and the runtime scenarios that toggle
     * CR0.CD and MTRRs after boot (hazards).
     */
    static GeneratorSpec fleet(long seed, int vms) {
        return GeneratorSpec.defaults().withSeed(seed).withVms(vms).withVcpus(new VcpuRange(2, 6))
                .withFirmware(FirmwareChoice.MIXED).withNoncoherentDma(NoncoherentDma.BEFORE_BOOT)
                .withScenarios(Scenarios.all().withPci64HoleUc(Pci64HoleUc.KERNEL).withDmaTransfers(2, 2));
    }

    /**
     * Publishes the generated events, {@code perTransaction} at a time, each chunk as its own "file" (its own Kafka
     * transaction, so commit markers sit between the records of every partition). Creates the topic.
     *
     * @return the number of events published
     */
    static long publish(String bootstrap, String topic, int partitions, GeneratorSpec spec, int perTransaction) {
        return publish(bootstrap, topic, partitions, spec.vmIdPrefix() + "seed" + spec.seed(),
                BootLogGenerator.iterator(spec), perTransaction);
    }

    /** As {@link #publish(String, String, int, GeneratorSpec, int)}, for given events; {@code name} labels them. */
    static long publish(String bootstrap, String topic, int partitions, String name, Iterator<MtrrEvent> events,
            int perTransaction) {
        TopicAdmin.ensureTopic(bootstrap, topic, partitions);
        TopicAdmin.ensureIngestLedger(bootstrap, TopicAdmin.ledgerTopicOf(topic));
        EventCodec codec = new EventCodec();
        long total = 0;
        String txId = EventPublisher.transactionalIdFor(topic);
        try (EventPublisher publisher = new EventPublisher(bootstrap, topic, txId)) {
            for (int chunk = 0; events.hasNext(); chunk++) {
                Iterator<KeyedRecord> records = limit(events, perTransaction, codec);
                String label = topic + "-" + name + "-chunk" + chunk;
                PublishOutcome o = publisher.publishFile(IngestDigest.sha256(label.getBytes(StandardCharsets.UTF_8)),
                        label, records, sent -> { });
                if (!(o instanceof PublishOutcome.Published)) {
                    throw new IllegalStateException(label + " was already published: " + o);
                }
                total += o.summary().eventCount();
            }
        }
        return total;
    }

    private static Iterator<KeyedRecord> limit(Iterator<MtrrEvent> events, int n, EventCodec codec) {
        return new Iterator<>() {
            private int left = n;

            @Override
            public boolean hasNext() {
                return left > 0 && events.hasNext();
            }

            @Override
            public KeyedRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                left--;
                MtrrEvent e = events.next();
                return new KeyedRecord(e.getVm(), codec.encode(e));
            }
        };
    }

    /** The read_committed end offset (last stable offset) of every partition. */
    static Map<Integer, Long> endOffsets(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "it-end-offsets");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo i : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                tps.add(new TopicPartition(topic, i.partition()));
            }
            Map<Integer, Long> out = new TreeMap<>();
            c.endOffsets(tps, Duration.ofSeconds(30)).forEach((tp, o) -> out.put(tp.partition(), o));
            return out;
        }
    }

    /** Offsets of the committed records of every partition (control markers and aborted records excluded). */
    static Map<Integer, TreeSet<Long>> recordOffsets(String bootstrap, String topic) {
        Map<Integer, TreeSet<Long>> out = new TreeMap<>();
        TopicReader.scan(bootstrap, topic, -1, 0,
                r -> out.computeIfAbsent(r.partition(), k -> new TreeSet<>()).add(r.offset()));
        return out;
    }

    // ------------------------------------------------------------------------------------ stores

    /** Next offsets stored in META per partition (absent partitions are not in the map). */
    static Map<Integer, Long> storedOffsets(LedgerStore store, String topic, int partitions) {
        Map<Integer, Long> out = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            Optional<Long> o = store.meta().nextOffset(topic, p);
            if (o.isPresent()) {
                out.put(p, o.get());
            }
        }
        return out;
    }

    /** {@link #storedOffsets} of a store nobody writes to (read-only open); empty if there is no store yet. */
    static Map<Integer, Long> storedOffsets(Path storeDir, String topic, int partitions) {
        if (!Files.exists(storeDir.resolve("CURRENT"))) {
            return Map.of();
        }
        try (LedgerStore store = LedgerStore.open(storeDir, OpenMode.READ_ONLY, PolicyProjection.OUTPUTS)) {
            return storedOffsets(store, topic, partitions);
        }
    }

    /**
     * Follows a store that a child engine is writing, through a RocksDB secondary (a read-only open of a store
     * whose WAL is being appended is not safe); opened lazily once the primary has created the store.
     */
    static final class StoreWatcher implements AutoCloseable {
        private final Path store;
        private final Path secondaryDir;
        private LedgerStore secondary;

        StoreWatcher(Path store, Path secondaryDir) {
            this.store = store;
            this.secondaryDir = secondaryDir;
        }

        /** The stored next offsets as of now; empty while the store does not exist yet. */
        Map<Integer, Long> offsets(String topic, int partitions) {
            if (secondary == null) {
                if (!Files.exists(store.resolve("CURRENT"))) {
                    return Map.of();
                }
                try {
                    secondary = LedgerStore.open(store, OpenMode.secondary(secondaryDir), PolicyProjection.OUTPUTS);
                } catch (org.mtrrledger.engine.store.StoreException e) {
                    return Map.of(); // the primary is still creating it (column families not all there yet)
                }
            }
            secondary.catchUp();
            return storedOffsets(secondary, topic, partitions);
        }

        @Override
        public void close() {
            if (secondary != null) {
                secondary.close();
                secondary = null;
            }
        }
    }

    /** Records of {@code records} below the stored next offsets, i.e. how many of them the store has folded. */
    static long foldedRecords(Map<Integer, TreeSet<Long>> records, Map<Integer, Long> stored) {
        long n = 0;
        for (Map.Entry<Integer, Long> e : stored.entrySet()) {
            TreeSet<Long> offs = records.get(e.getKey());
            n += offs == null ? 0 : offs.headSet(e.getValue()).size();
        }
        return n;
    }

    /**
     * Waits at most {@code timeout} until {@code done} holds, polling every 50 ms; fails with the engine's output if
     * the engine exits first or the time runs out.
     */
    static void await(Child engine, String what, Duration timeout, Callable<Boolean> done) {
        try {
            Awaitility.await(engine.name + ": " + what).atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        if (!engine.process.isAlive()) {
                            fail(engine.name + " exited by itself (" + engine.process.exitValue() + ")\n"
                                    + engine.output());
                        }
                        return done.call();
                    });
        } catch (ConditionTimeoutException e) {
            fail(e.getMessage() + "\n" + engine.output());
        }
    }

    /** Waits until the store (followed through {@code w}) has folded every record of {@code complete}. */
    static void awaitFolded(Child engine, StoreWatcher w, String topic, Map<Integer, Long> complete,
            Duration timeout) {
        // partitions after an empty one count too: compare up to the highest partition that has records
        int partitions = complete.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        await(engine, "fold up to " + complete, timeout, () -> w.offsets(topic, partitions).equals(complete));
    }

    /** Per partition, the offset after its last record (what a store that folded everything has stored). */
    static Map<Integer, Long> completeOffsets(Map<Integer, TreeSet<Long>> records) {
        Map<Integer, Long> out = new TreeMap<>();
        records.forEach((p, offs) -> out.put(p, offs.last() + 1));
        return out;
    }

    /** Offsets of the folded events (EVENTS column) and skipped records (SKIPPED), per partition. */
    static Map<Integer, TreeSet<Long>> eventKeys(LedgerStore store) {
        Map<Integer, TreeSet<Long>> out = new TreeMap<>();
        EventLog<Integer> events = new EventLog<>(store, FoldedEvent::partitionOf);
        for (String vm : new VmStateTable<>(store, ValueCodec.BYTES).vms()) {
            events.scan(vm, 0, Long.MAX_VALUE, (offset, partition) -> {
                out.computeIfAbsent(partition, x -> new TreeSet<>()).add(offset);
                return true;
            });
        }
        new SkippedTable<>(store, ValueCodec.BYTES).scan(null, 0, 0, (partition, offset, r) -> {
            out.computeIfAbsent(partition, x -> new TreeSet<>()).add(offset);
            return true;
        });
        return out;
    }

    /** {@link StoreDigest} of the tables a fold writes (META's offsets are compared separately). */
    static Map<Column, StoreDigest.Table> digest(LedgerStore store) {
        Map<Column, StoreDigest.Table> out = new LinkedHashMap<>();
        for (Column c : FOLDED) {
            out.put(c, StoreDigest.of(store, c));
        }
        return out;
    }

    static Map<Column, StoreDigest.Table> digest(Path storeDir) {
        try (LedgerStore store = LedgerStore.open(storeDir, OpenMode.READ_ONLY, PolicyProjection.OUTPUTS)) {
            return digest(store);
        }
    }

    static void assertSameFold(Path expectedStore, Path actualStore, String what) {
        try (LedgerStore exp = LedgerStore.open(expectedStore, OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
                LedgerStore act = LedgerStore.open(actualStore, OpenMode.READ_ONLY, PolicyProjection.OUTPUTS)) {
            Map<Column, StoreDigest.Table> de = digest(exp);
            Map<Column, StoreDigest.Table> da = digest(act);
            StringBuilder diffs = new StringBuilder();
            for (Column c : FOLDED) {
                if (!de.get(c).equals(da.get(c))) {
                    diffs.append("\n  ").append(c).append(": expected ").append(de.get(c)).append(", actual ")
                            .append(da.get(c)).append("; first difference: ")
                            .append(StoreDigest.firstDifference(exp, act, c));
                }
            }
            if (diffs.length() > 0) {
                fail(what + ": stores differ" + diffs);
            }
        }
    }

    // ------------------------------------------------------------------------------------ child JVMs

    /** An {@code mtrr} process with its output in files, for diagnostics. */
    static final class Child {
        final String name;
        final Process process;
        final Path stdout;
        final Path stderr;
        /** {@link System#nanoTime()} right after the process was started. */
        final long startedAt = System.nanoTime();

        Child(String name, Process process, Path stdout, Path stderr) {
            this.name = name;
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** Waits for the exit and returns the exit code; kills the process if it does not exit in time. */
        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                fail(name + " did not exit within " + timeout + "\n" + output());
            }
            return process.exitValue();
        }

        /** SIGKILL (Process.destroyForcibly is SIGKILL on Linux) and wait for it to be gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** SIGTERM: the engine's shutdown hook stops the consumer loop and closes the store. */
        int terminate(Duration timeout) throws InterruptedException {
            process.destroy();
            return awaitExit(timeout);
        }

        String output() {
            return "--- " + name + " stdout:\n" + tail(stdout) + "--- " + name + " stderr:\n" + tail(stderr);
        }

        String stderrText() {
            return read(stderr);
        }

        String stdoutText() {
            return read(stdout);
        }

        private static String tail(Path p) {
            String s = read(p);
            return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
        }

        private static String read(Path p) {
            try {
                return Files.exists(p) ? Files.readString(p) : "";
            } catch (IOException e) {
                return "<" + e + ">";
            }
        }
    }

    /**
     * Where child JVMs write their stdout/stderr: {@code target/it-logs/<test class>/}, kept after the run so a
     * failure can be read there (the temp dirs of the tests are deleted).
     */
    static Path logDir(Class<?> test) {
        Path d = Path.of("target", "it-logs", test.getSimpleName());
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d.toAbsolutePath();
    }

    private static final List<Child> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** SIGKILLs every child still running (after a failed test; a passing one stops its children itself). */
    static void killLeftovers() throws InterruptedException {
        for (Child c : STARTED) {
            if (c.process.isAlive()) {
                System.out.println("[it] killing left-over " + c.name + " (pid " + c.process.pid() + ")");
                c.kill();
            }
        }
        STARTED.clear();
    }

    /** Starts {@code mtrr args...} in a child JVM on this JVM's class path, output to {@code logDir/name.*}. */
    static Child startCli(Path logDir, String name, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx384m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MtrrCli.class.getName());
        cmd.addAll(args);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("MTRR_BOOTSTRAP");
        pb.environment().remove("MTRR_DATA");
        pb.environment().remove("MTRR_TOPIC");
        try {
            Child c = new Child(name, pb.start(), out, err);
            STARTED.add(c);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    // ------------------------------------------------------------------------------------ CLI in process

    /** Exit code and what the command printed (System.out/err and picocli's writers). */
    record CliResult(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    /**
     * Runs {@code mtrr args...} in this JVM. The commands print with System.out/err, so both are redirected for the
     * duration (and restored), and picocli's own writers (error handler, usage) go to the same buffers.
     */
    static synchronized CliResult cli(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StringWriter picoErr = new StringWriter();
        StringWriter picoOut = new StringWriter();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            var cmd = MtrrCli.commandLine();
            cmd.setOut(new PrintWriter(picoOut, true));
            cmd.setErr(new PrintWriter(picoErr, true));
            code = cmd.execute(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        CliResult r = new CliResult(code, out.toString(StandardCharsets.UTF_8) + picoOut,
                err.toString(StandardCharsets.UTF_8) + picoErr);
        savedOut.println("mtrr " + String.join(" ", args) + " -> " + r);
        return r;
    }

    static CliResult cliOk(String... args) {
        CliResult r = cli(args);
        assertEquals(0, r.exitCode(), () -> "mtrr " + String.join(" ", args) + " failed: " + r);
        return r;
    }

    static void log(String line) {
        System.out.println("[it] " + line);
    }

    static String summarize(Map<Integer, ? extends java.util.Collection<Long>> offsets) {
        return offsets.entrySet().stream().map(e -> "p" + e.getKey() + "=" + e.getValue().size())
                .collect(Collectors.joining(" "));
    }
}
