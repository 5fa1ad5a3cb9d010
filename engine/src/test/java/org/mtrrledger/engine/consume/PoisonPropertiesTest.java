package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.SkippedTable;
import org.mtrrledger.engine.store.StoreDigest;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.codec.UnknownSchemaException;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.events.parse.EventRules;
import org.mtrrledger.events.testing.Ev;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Whatever bytes are on the topic: random records, mutated ones and records breaking each limit, produced straight
 * onto a real broker's topic between valid events. Under SKIP the engine folds exactly what a fold of the valid
 * records alone folds and lists every other record once; under FAIL it stops naming the first invalid record of a
 * partition and folds nothing of that partition past it. Which records are valid is what the rules say
 * ({@link EventRules}, the VM's partition): the property is that the engine lets nothing else through and blocks on
 * nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PoisonPropertiesTest {
    static final int PARTITIONS = 3;
    static final List<String> VMS = List.of("vm-a", "vm-b", "vm-c", "vm-é", "vm 中", "vm-f");
    static final EventCodec CODEC = new EventCodec();
    static final AtomicInteger TRIES = new AtomicInteger();

    @TempDir
    static Path dir;
    @RegisterExtension
    static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    /** A record to write at a partition; {@code label} says how it was made (for failure messages). */
    record Raw(int partition, byte[] value, String label) {
        @Override
        public String toString() {
            return label + "@p" + partition + "(" + value.length + "B)";
        }
    }

    static int home(String vm) {
        return BuiltInPartitioner.partitionForKey(vm.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    static Gen<MtrrEvent> validEvents() {
        Gen<String> vm = Generate.pick(VMS);
        Gen<Integer> vcpu = integers().between(0, 3);
        Gen<Long> msr = Generate.pick(List.of(0x2ffL, 0x250L, 0x258L, 0x268L, 0x200L, 0x201L, 0x277L, 0x20fL, 0xfeL));
        Gen<Long> value = Generate.pick(List.of(0L, 0xc06L, 0x806L, 0x0606060606060606L, 0xc0000000L,
                0x3fffc0000800L)).mix(longs().all(), 20);
        return Generate.range(0, 6).zip(vm, vcpu, msr.zip(value, (m, v) -> new long[] {m, v}),
                (kind, v, c, mv) -> switch (kind) {
                    case 0 -> Ev.create(v, c);
                    case 1 -> Ev.lifecycle(v, c, LifecycleOp.values()[(int) (mv[1] & 3) + 1]);
                    case 2 -> Ev.cr0(v, c, (mv[1] & 1) == 0 ? 0x60000011L : 0x11L);
                    case 3 -> (mv[1] & 1) == 0 ? Ev.dmaRegister(v) : Ev.dmaTransfer(v, 0xa0000L, 0x1000);
                    case 4 -> Ev.config(v, 46, true, true, (mv[1] & 1) == 0);
                    default -> Ev.msr(v, c, mv[0], mv[1]);
                });
    }

    static Raw valid(MtrrEvent e) {
        return new Raw(home(e.getVm()), CODEC.encode(e), "valid");
    }

    /** Records breaking one rule each, and random or mutated bytes (which may or may not still be valid). */
    static Gen<Raw> poison() {
        Gen<MtrrEvent> events = validEvents();
        Gen<Integer> anyPartition = integers().between(0, PARTITIONS - 1);
        Gen<Integer> size = integers().between(0, 600);
        Gen<Byte> bytes = Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0);
        return Generate.oneOf(
                events.zip(integers().between(256, 400), anyPartition, (e, n, p) -> {
                    e.setVm("x".repeat(n));
                    return new Raw(p, CODEC.encode(e), "vm id of " + n);
                }),
                events.zip(anyPartition, (e, p) -> {
                    e.setVm("");
                    return new Raw(p, CODEC.encode(e), "empty vm id");
                }),
                events.zip(anyPartition, (e, p) -> {
                    e.setVm("nul\0vm");
                    return new Raw(p, CODEC.encode(e), "NUL in vm id");
                }),
                events.zip(integers().between(1024, 100_000), (e, c) -> {
                    MtrrEvent bad = Ev.cr0(e.getVm(), c, 0x11);
                    return new Raw(home(e.getVm()), CODEC.encode(bad), "vcpu " + c);
                }),
                events.zip(integers().between(1, PARTITIONS - 1), (e, shift) ->
                        new Raw((home(e.getVm()) + shift) % PARTITIONS, CODEC.encode(e), "wrong partition")),
                events.zip(integers().between(8200, 9000), (e, n) -> {
                    e.setSource(new FilePosition("f".repeat(n), 1L));
                    return new Raw(home(e.getVm()), CODEC.encode(e), "oversized");
                }),
                Generate.byteArrays(size, bytes).zip(anyPartition, (b, p) -> new Raw(p, b, "random bytes")),
                events.zip(integers().between(0, 1000), (e, cut) -> {
                    byte[] full = CODEC.encode(e);
                    return new Raw(home(e.getVm()), Arrays.copyOf(full, cut % full.length), "truncated");
                }),
                events.zip(integers().between(0, 10_000), bytes, (e, at, b) -> {
                    byte[] v = CODEC.encode(e);
                    v[at % v.length] ^= b == 0 ? 1 : b;
                    return new Raw(home(e.getVm()), v, "flipped byte " + (at % v.length));
                }));
    }

    static Gen<List<Raw>> logs() {
        Gen<Raw> record = validEvents().map(PoisonPropertiesTest::valid).mix(poison(), 30);
        return lists().of(record).ofSizeBetween(150, 300);
    }

    /** The oracle: whether the rules let the record be folded. */
    static boolean foldable(Raw r) {
        MtrrEvent e;
        try {
            e = CODEC.decode(r.value());
        } catch (UnknownSchemaException ex) {
            return false;
        }
        return EventRules.violation(e).isEmpty() && EventRules.recordViolation(r.value().length).isEmpty()
                && home(e.getVm()) == r.partition();
    }

    /** A record where it landed. */
    record Placed(Raw raw, long offset, boolean foldable) {
    }

    static List<Placed> write(String topic, List<Raw> log) throws Exception {
        TopicAdmin.ensureTopic(broker.bootstrap(), topic, PARTITIONS);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Raw r : log) {
                sent.add(producer.send(new ProducerRecord<>(topic, r.partition(), null, r.value())));
            }
            producer.flush();
        }
        List<Placed> placed = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            placed.add(new Placed(log.get(i), sent.get(i).get().offset(), foldable(log.get(i))));
        }
        return placed;
    }

    static void assertSameColumn(LedgerStore expected, LedgerStore actual, Column c) {
        assertEquals(StoreDigest.of(expected, c), StoreDigest.of(actual, c),
                () -> c + ": " + StoreDigest.firstDifference(expected, actual, c));
    }

    static LedgerEngine.RunSummary run(String topic, PoisonPolicy policy, LedgerStore store) {
        try (LedgerEngine engine = new LedgerEngine(broker.bootstrap(),
                new EngineConfig(topic, topic + "-" + policy, 50, policy), store, new Pipeline(Projection.NONE))) {
            return engine.run(StopCondition.UNTIL_IDLE, EngineProgress.NONE);
        }
    }

    @Test
    void shouldFoldEveryValidRecordAndListEveryOtherOnceUnderSkipAndStopAtTheFirstUnderFail() {
        qt().withExamples(5).withShrinkCycles(0).forAll(logs()).checkAssert(log -> {
            try {
                check(log);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static void check(List<Raw> log) throws Exception {
        String topic = "poison.props-" + TRIES.incrementAndGet();
        List<Placed> placed = write(topic, log);
        List<Placed> good = placed.stream().filter(Placed::foldable).toList();
        List<Placed> bad = placed.stream().filter(p -> !p.foldable()).toList();
        assertTrue(bad.stream().noneMatch(p -> p.raw().label().equals("valid")), "generated valid records are");

        try (LedgerStore reference = LedgerStore.open(dir.resolve(topic + "-reference"), OpenMode.PRIMARY);
                LedgerStore skipping = LedgerStore.open(dir.resolve(topic + "-skip"), OpenMode.PRIMARY)) {
            LedgerWriter w = new LedgerWriter(reference, new Pipeline(Projection.NONE), 50, PoisonPolicy.FAIL);
            w.partitions(PARTITIONS);
            List<LogRecord> records = new ArrayList<>();
            good.stream().sorted(java.util.Comparator.comparingInt((Placed p) -> p.raw().partition())
                    .thenComparingLong(Placed::offset)).forEach(p -> records.add(new LogRecord(
                    new EventRef(topic, p.raw().partition(), p.offset()), null, p.raw().value())));
            w.apply(records);

            LedgerEngine.RunSummary s = run(topic, PoisonPolicy.SKIP, skipping);
            assertEquals(good.size(), s.folded(), s.toString());
            for (Column c : List.of(Column.VM_STATE, Column.EVENTS, Column.CHECKPOINTS)) {
                assertSameColumn(reference, skipping, c);
            }
            long listed = StoreDigest.of(skipping, Column.SKIPPED).entries();
            assertEquals(bad.size(), listed, () -> "listed " + listed + " of " + bad);
            SkippedTable<SkippedRecord> skipped = new SkippedTable<>(skipping, SkippedRecord.CODEC);
            for (Placed p : bad) {
                SkippedRecord v = skipped.get(p.raw().partition(), p.offset());
                assertTrue(v != null, () -> p + " is not listed");
                assertArrayEquals(p.raw().value(), v.value(), p.toString());
            }
        }

        try (LedgerStore failing = LedgerStore.open(dir.resolve(topic + "-fail"), OpenMode.PRIMARY)) {
            if (bad.isEmpty()) {
                assertEquals(good.size(), run(topic, PoisonPolicy.FAIL, failing).folded());
                return;
            }
            PoisonRecordException e = assertThrows(PoisonRecordException.class,
                    () -> run(topic, PoisonPolicy.FAIL, failing));
            Map<Integer, Long> firstBad = new TreeMap<>();
            bad.forEach(p -> firstBad.merge(p.raw().partition(), p.offset(), Math::min));
            String named = e.getMessage().substring(0, e.getMessage().indexOf(": "));
            assertTrue(firstBad.entrySet().stream().anyMatch(f -> named.equals(topic + "/" + f.getKey() + "@"
                    + f.getValue())), () -> e.getMessage() + " names the first invalid record of a partition "
                    + firstBad);
            firstBad.forEach((partition, offset) -> failing.meta().nextOffset(topic, partition).ifPresent(next -> assertTrue(next <= offset,
                    "partition " + partition + " folded past its first invalid record " + offset + ": " + next)));
        }
    }
}
