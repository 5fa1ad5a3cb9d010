package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.FirmwareChoice;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.gen.NoncoherentDma;
import org.mtrrledger.events.gen.Scenarios;
import org.mtrrledger.events.gen.VcpuRange;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.kafka.TopicReader;

/**
 * {@code mtrr gen} and {@code mtrr ingest} end to end, in process, against a real broker: what is published is
 * exactly what was generated; a file with a bad line is all-or-nothing; {@code --skip-bad} publishes the good lines
 * and reports the bad one; a file is published once however often it is ingested.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngestCliTest {
    private static final long SEED = 5;
    private static final int VMS = 3;
    /** 1-based line of the bad line inserted into the generated file. */
    private static final int BAD_LINE = 40;
    private static final String BAD_TEXT = "{\"vm\":\"vm-1\",\"vcpu\":0,\"type\":\"msr_write\",\"msr\":\"not-hex\"}";

    @TempDir
    static Path dir;

    @RegisterExtension
    static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    private static Path generated;
    private static Path bad;

    @BeforeAll
    static void startBrokerAndGenerate() throws IOException {
        generated = dir.resolve("fleet.jsonl");
        ItSupport.CliResult r = ItSupport.cliOk("gen", "-o", generated.toString(), "--seed", Long.toString(SEED),
                "--vms", Integer.toString(VMS), "--vcpus", "2..4", "--firmware", "mixed", "--noncoherent-dma",
                "--kexec", "--dma-transfers", "2");
        assertTrue(r.out().contains("wrote "), r.toString());
        List<String> lines = new ArrayList<>(Files.readAllLines(generated, StandardCharsets.UTF_8));
        lines.add(BAD_LINE - 1, BAD_TEXT);
        bad = dir.resolve("with-bad-line.jsonl");
        Files.write(bad, lines, StandardCharsets.UTF_8);
    }

    /** What {@code gen} above generates (GenCommand's defaults plus the options given). */
    private static GeneratorSpec genSpec() {
        return GeneratorSpec.defaults().withSeed(SEED).withVms(VMS).withVcpus(new VcpuRange(2, 4))
                .withFirmware(FirmwareChoice.MIXED).withNoncoherentDma(NoncoherentDma.BEFORE_BOOT)
                .withScenarios(Scenarios.NONE.withKexecReboot(true).withDmaTransfers(2, 0));
    }

    @Test
    void shouldPublishExactlyTheGeneratedEvents() throws IOException {
        String topic = "ingest.generated";
        List<MtrrEvent> expected = new ArrayList<>();
        BootLogGenerator.iterator(genSpec()).forEachRemaining(expected::add);
        assertEquals(expected.size(), Files.readAllLines(generated).size(), "one JSONL line per event");
        for (int i = 0; i < expected.size(); i++) {
            expected.get(i).setSource(new FilePosition(generated.toString(), (long) i + 1));
        }

        ItSupport.CliResult r = ingest(topic, generated.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("published " + String.format("%,d", expected.size()) + " events"), r.toString());

        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(broker.bootstrap(), topic);
        String digest = IngestDigest.sha256(generated).hex();
        EventCodec codec = new EventCodec();
        Map<String, List<MtrrEvent>> actualByVm = new LinkedHashMap<>();
        Map<String, Integer> partitionOfVm = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> c : records) {
            MtrrEvent e = codec.decode(c.value());
            assertEquals(e.getVm(), c.key(), "records are keyed by VM id");
            assertEquals(digest, e.getIngest(), "ingest field = the file's SHA-256");
            Integer was = partitionOfVm.putIfAbsent(e.getVm(), c.partition());
            assertEquals(was == null ? c.partition() : was, c.partition(), e.getVm() + " spans partitions");
            e.setIngest(null);
            actualByVm.computeIfAbsent(e.getVm(), k -> new ArrayList<>()).add(e);
        }
        Map<String, List<MtrrEvent>> expectedByVm = new LinkedHashMap<>();
        expected.forEach(e -> expectedByVm.computeIfAbsent(e.getVm(), k -> new ArrayList<>()).add(e));
        assertEquals(VMS, expectedByVm.size());
        assertEquals(expectedByVm.keySet(), actualByVm.keySet());
        for (String vm : expectedByVm.keySet()) {
            assertEquals(expectedByVm.get(vm), actualByVm.get(vm), vm + ": published events (in partition order)");
        }
    }

    @Test
    void shouldPublishNothingOfAFileWithABadLine() throws IOException {
        String topic = "ingest.bad";
        ItSupport.CliResult r = ingest(topic, bad.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains(bad + ":" + BAD_LINE + ":"), "stderr names file:line: " + r);
        assertTrue(r.err().contains("nothing of " + bad + " was published"), r.toString());
        assertEquals(0, TopicReader.readAll(broker.bootstrap(), topic).size(),
                "read_committed readers see nothing of the aborted file");
        Map<Integer, Long> end = ItSupport.endOffsets(broker.bootstrap(), topic);
        ItSupport.log("end offsets after the aborted ingest (aborted records and markers): " + end);
        assertTrue(ItSupport.recordOffsets(broker.bootstrap(), topic).isEmpty());
    }

    @Test
    void shouldPublishOnlyTheGoodLinesAndReportTheBadOneWithSkipBad() throws IOException {
        String topic = "ingest.skip-bad";
        assertEquals(1, ingest(topic, bad.toString()).exitCode(), "first without --skip-bad: fails, publishes nothing");
        Path report = dir.resolve("rejected.txt");
        ItSupport.CliResult r = ingest(topic, "--skip-bad", "--report", report.toString(), bad.toString());
        assertEquals(0, r.exitCode(), r.toString());

        List<String> reported = Files.readAllLines(report, StandardCharsets.UTF_8);
        assertEquals(1, reported.size(), "exactly the bad line is reported: " + reported);
        assertTrue(reported.get(0).startsWith(bad + ":" + BAD_LINE + ": "), reported.get(0));
        assertTrue(reported.get(0).endsWith(BAD_TEXT), reported.get(0));

        // Published: every good line, with its line number in the file that was ingested.
        List<MtrrEvent> expected = new ArrayList<>();
        Iterator<MtrrEvent> it = BootLogGenerator.iterator(genSpec());
        for (long line = 1; it.hasNext(); line++) {
            MtrrEvent e = it.next();
            e.setSource(new FilePosition(bad.toString(), line < BAD_LINE ? line : line + 1));
            expected.add(e);
        }
        List<MtrrEvent> actual = new ArrayList<>();
        EventCodec codec = new EventCodec();
        for (ConsumerRecord<String, byte[]> c : TopicReader.readAll(broker.bootstrap(), topic)) {
            MtrrEvent e = codec.decode(c.value());
            e.setIngest(null);
            actual.add(e);
        }
        assertEquals(expected.size(), actual.size(), "published = good lines");
        java.util.Comparator<MtrrEvent> byLine = java.util.Comparator
                .comparingLong(e -> ((FilePosition) e.getSource()).getLine());
        actual.sort(byLine);
        assertEquals(expected, actual);
    }

    @Test
    void shouldPublishAFileOnceHoweverOftenItIsIngested() {
        String topic = "ingest.twice";
        ItSupport.CliResult first = ingest(topic, generated.toString());
        assertEquals(0, first.exitCode(), first.toString());
        int count = TopicReader.readAll(broker.bootstrap(), topic).size();
        assertTrue(count > 0);
        assertFalse(first.out().contains(": already ingested"), first.toString());

        ItSupport.CliResult second = ingest(topic, generated.toString());
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(second.out().contains(generated + ": already ingested"), second.toString());
        assertTrue(second.out().contains("published 0 events"), second.toString());
        assertTrue(second.out().contains("(1 file(s) already ingested)"), second.toString());
        assertEquals(count, TopicReader.readAll(broker.bootstrap(), topic).size(), "nothing published twice");

        // With --skip-bad too (a different command line, the same bytes).
        ItSupport.CliResult third = ingest(topic, "--skip-bad", "--report", dir.resolve("r3.txt").toString(),
                generated.toString());
        assertEquals(0, third.exitCode(), third.toString());
        assertTrue(third.out().contains("already ingested"), third.toString());
        assertEquals(count, TopicReader.readAll(broker.bootstrap(), topic).size(), "nothing published twice");
    }

    private static ItSupport.CliResult ingest(String topic, String... args) {
        List<String> all = new ArrayList<>(List.of("ingest", "--bootstrap", broker.bootstrap(), "--topic", topic));
        all.addAll(List.of(args));
        return ItSupport.cli(all.toArray(String[]::new));
    }
}
