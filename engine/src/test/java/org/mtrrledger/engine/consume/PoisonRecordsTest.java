package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.SkippedTable;
import org.mtrrledger.engine.store.ValueCodec;
import org.mtrrledger.engine.store.VmStateTable;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.events.testing.Ev;

/**
 * Records that another producer wrote straight onto the topic, which ingest would refuse: under SKIP the engine
 * lists each with its partition, offset and reason and folds every other record of the same poll; under FAIL it
 * stops naming topic/partition@offset and the reason. Real broker, real store.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoisonRecordsTest {
    static final int PARTITIONS = 2;
    static final String OK_VM = "ok-vm";
    static final EventCodec CODEC = new EventCodec();

    @TempDir
    static Path dir;
    @RegisterExtension
    static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    /** The partition Kafka's default partitioner (and so the publisher) gives a VM. */
    static int home(String vm) {
        return BuiltInPartitioner.partitionForKey(vm.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    /** A record for the topic; a null partition means the VM's own one. */
    record Raw(Integer partition, String key, byte[] value) {
        static Raw of(MtrrEvent e) {
            return new Raw(null, e.getVm(), CODEC.encode(e));
        }
    }

    /** A poison record, written between two events of {@link #OK_VM} on OK_VM's partition unless it says otherwise. */
    enum Poison {
        VM_ID_OF_70000_CHARACTERS("invalid event: vm id of 70000 bytes is longer than 255") {
            @Override
            Raw record() {
                return new Raw(home(OK_VM), "k", CODEC.encode(Ev.create("v".repeat(70_000), 0)));
            }
        },
        EMPTY_VM_ID("vm id is missing or empty") {
            @Override
            Raw record() {
                return new Raw(home(OK_VM), "", CODEC.encode(Ev.create("", 0)));
            }
        },
        VCPU_5000("invalid event: vcpu 5000 outside 0..1023") {
            @Override
            Raw record() {
                return new Raw(home(OK_VM), OK_VM, CODEC.encode(Ev.cr0(OK_VM, 5000, 0x11)));
            }
        },
        WRONG_PARTITION("VM 'ok-vm' belongs on partition") {
            @Override
            Raw record() {
                return new Raw(1 - home(OK_VM), OK_VM, CODEC.encode(Ev.cr0(OK_VM, 1, 0x11)));
            }
        },
        OVERSIZED("invalid event: record of 9027 bytes exceeds the limit of 8192 bytes") {
            @Override
            Raw record() {
                MtrrEvent e = Ev.cr0(OK_VM, 1, 0x11);
                e.setSource(new FilePosition("f".repeat(9000), 1L));
                return new Raw(home(OK_VM), OK_VM, CODEC.encode(e));
            }
        },
        UNDECODABLE("undecodable record: ") {
            @Override
            Raw record() {
                return new Raw(home(OK_VM), OK_VM, new byte[] {(byte) 0xC3, 1, 2});
            }
        };

        final String reason;

        Poison(String reason) {
            this.reason = reason;
        }

        abstract Raw record();

        /** Where the poison record lands: after OK_VM's first event on its partition, or first on the other one. */
        long offset() {
            return record().partition() == home(OK_VM) ? 1 : 0;
        }
    }

    static String topicWith(String name, List<Raw> records) {
        String topic = "poison." + name;
        TopicAdmin.ensureTopic(broker.bootstrap(), topic, PARTITIONS);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(1 << 20));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Raw r : records) {
                byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, r.partition(), key, r.value()));
            }
            producer.flush();
        }
        return topic;
    }

    static LedgerEngine.RunSummary fold(String topic, PoisonPolicy policy, LedgerStore store) {
        try (LedgerEngine engine = new LedgerEngine(broker.bootstrap(),
                new EngineConfig(topic, topic + "-" + policy, 1000, policy), store, new Pipeline(Projection.NONE))) {
            return engine.run(StopCondition.UNTIL_IDLE, EngineProgress.NONE);
        }
    }

    /** Where a record was skipped. */
    record At(int partition, long offset) {
    }

    static List<SkippedRecord> skipped(LedgerStore store, List<At> where) {
        List<SkippedRecord> out = new ArrayList<>();
        new SkippedTable<>(store, SkippedRecord.CODEC).scan(null, 0, 0, (partition, offset, r) -> {
            where.add(new At(partition, offset));
            out.add(r);
            return true;
        });
        return out;
    }

    static List<Raw> log(Poison poison) {
        return List.of(Raw.of(Ev.create(OK_VM, 0)), poison.record(), Raw.of(Ev.cr0(OK_VM, 0, 0x11)),
                Raw.of(Ev.create("other-vm", 0)));
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void shouldListThePoisonRecordAndFoldEveryOtherUnderSkip(Poison poison) {
        String topic = topicWith("skip-" + poison, log(poison));
        try (LedgerStore store = LedgerStore.open(dir.resolve("skip-" + poison), OpenMode.PRIMARY)) {
            LedgerEngine.RunSummary s = fold(topic, PoisonPolicy.SKIP, store);
            assertEquals(3, s.folded(), s.toString());
            VmLedger ok = VmLedger.decode(new VmStateTable<>(store, ValueCodec.BYTES).get(OK_VM), Projection.NONE);
            assertEquals(2, ok.vm().eventCount(), "both events of " + OK_VM + " around the poison are folded");
            assertTrue(new VmStateTable<>(store, ValueCodec.BYTES).get("other-vm") != null);
            List<At> where = new ArrayList<>();
            List<SkippedRecord> listed = skipped(store, where);
            assertEquals(1, listed.size(), listed.toString());
            assertEquals(new At(poison.record().partition(), poison.offset()), where.get(0));
            assertTrue(listed.get(0).reason().contains(poison.reason), listed.get(0).reason());
            assertEquals(poison.record().value().length, listed.get(0).value().length);
        }
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void shouldStopNamingPartitionOffsetAndReasonUnderFail(Poison poison) {
        String topic = topicWith("fail-" + poison, log(poison));
        try (LedgerStore store = LedgerStore.open(dir.resolve("fail-" + poison), OpenMode.PRIMARY)) {
            PoisonRecordException e = assertThrows(PoisonRecordException.class,
                    () -> fold(topic, PoisonPolicy.FAIL, store));
            String where = topic + "/" + poison.record().partition() + "@" + poison.offset() + ": ";
            assertTrue(e.getMessage().startsWith(where), e.getMessage());
            assertTrue(e.getMessage().contains(poison.reason), e.getMessage());
            assertTrue(e.getMessage().length() < 1000, "a VM id in the message is cut: " + e.getMessage().length());
            assertTrue(skipped(store, new ArrayList<>()).isEmpty(), "nothing is skipped under FAIL");
            if (poison.record().partition() == home(OK_VM)) {
                assertNull(new EventLog<>(store, b -> b).get(OK_VM, 2), "nothing after the poison is folded");
            }
        }
    }
}
