package org.mtrrledger.projections.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.mtrrledger.engine.fold.Fold;
import org.mtrrledger.engine.fold.WriteUtfOutcome;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.BootPhase;
import org.mtrrledger.events.gen.FirmwareChoice;
import org.mtrrledger.events.gen.FleetGenerator;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.gen.NoncoherentDma;
import org.mtrrledger.events.gen.Scenarios;
import org.mtrrledger.events.gen.VcpuRange;
import org.mtrrledger.projections.RandomLogs;

/**
 * Golden outputs: the SHA-256 of every byte the pipeline hands the store (each step's outcome with every string
 * through {@code writeUTF} ({@link WriteUtfOutcome}), the layout the constants were recorded in, so that the stored
 * layout's compact labels do not show, and every zap/hazard record with its kind, policy and seq; every VM's
 * encoded ledger every 997 events and at the end, in the layout of {@link #recordedLayout}) for a few
 * generated fleets. The constants were recorded from the projection before its hot path was tuned: any change of
 * an output bit, intended or not, fails here. Caches must not show either: a run whose ledgers all go through
 * encode/decode half-way (as a restart from checkpoints does) must give the same bytes.
 */
class GoldenOutputsTest {
    private static final int PARTITIONS = 4;

    @Test
    void shouldKeepEveryOutputByteOfTheTypicalFleet() {
        List<MtrrEvent> log = generated(FleetGenerator.plan(FleetGenerator.typicalFleet(42), 20_000).spec());
        assertGolden(log, 14046, "520002ad6acdb0e3811e1bd0755a512254ceb14084c5cda1a9b03c452a615079");
    }

    @Test
    void shouldKeepEveryOutputByteOfAFleetWithEveryScenarioAndTheQuirkOff() {
        GeneratorSpec template = FleetGenerator.typicalFleet(7).withQuirkCdNwCleared(false)
                .withScenarios(Scenarios.all());
        List<MtrrEvent> log = generated(FleetGenerator.plan(template, 12_000).spec());
        assertGolden(log, 11436, "f39a405a0e083466af6bf180fc39f8c23f2cd0c269c3f0fea2755c8ba8dda3de");
    }

    @Test
    void shouldKeepEveryOutputByteOfSmallVmsWithLateNoncoherentDma() {
        GeneratorSpec spec = GeneratorSpec.defaults().withSeed(99).withVms(12).withVcpus(new VcpuRange(1, 8))
                .withFirmware(FirmwareChoice.MIXED).withMaxPhysAddr(40)
                .withNoncoherentDma(new NoncoherentDma.AtPhase(BootPhase.LINUX_BSP_EARLY))
                .withScenarios(Scenarios.all());
        List<MtrrEvent> log = generated(spec);
        assertGolden(log, 14398, "da44287b5ddbba6d6936d96234ff707c2e36648f0b648f18d9da02bd54912473");
    }

    @Test
    void shouldKeepEveryOutputByteOfRandomLogs() {
        List<MtrrEvent> log = new ArrayList<>();
        for (int vm = 0; vm < 24; vm++) {
            log.addAll(RandomLogs.of("vm-rnd-" + vm, 1000 + vm, 500, 1 + vm % 6));
        }
        assertGolden(log, 12000, "ac1dc3c0af1e245a2ccd8101c2171bfc05440485448f1219dbda67dec5f8b146");
    }

    @Test
    void shouldGiveTheSameBytesAfterEveryLedgerWentThroughEncodeAndDecode() {
        List<MtrrEvent> log = generated(FleetGenerator.plan(FleetGenerator.typicalFleet(42), 20_000).spec());
        for (int vm = 0; vm < 8; vm++) {
            log.addAll(RandomLogs.of("vm-rnd-" + vm, 2000 + vm, 400, 1 + vm % 6));
        }
        String straight = digest(log, -1);
        assertEquals(straight, digest(log, log.size() / 3));
    }

    @Test
    void shouldNotTrustItsCachesAfterEventsFoldedWithoutTheProjection() {
        List<MtrrEvent> log = generated(FleetGenerator.plan(FleetGenerator.typicalFleet(5), 6_000).spec());
        for (int vm = 0; vm < 8; vm++) {
            log.addAll(RandomLogs.of("vm-rnd-" + vm, 3000 + vm, 400, 1 + vm % 6));
        }
        // Windows of 50 of every 150 events are folded alone (both folds, as a replay of the fold state does): the
        // projection must then take every vCPU as changed, and give what a ledger decoded after the window gives.
        for (int skip : new int[] {0, 37, 80}) {
            assertEquals(digest(log, -1, skip, 150), digest(log, -2, skip, 150), "skip offset " + skip);
        }
    }

    /**
     * The event count is checked first: if the generator changed, the digests say nothing about the projection;
     * re-record them from the code as it was before the change under test.
     */
    private static void assertGolden(List<MtrrEvent> log, int events, String sha256) {
        assertEquals(events, log.size(), "the generated log changed: re-record the digests");
        assertEquals(sha256, digest(log, -1));
    }

    /** The spec's events as the engine sees them: encoded and decoded by the codec. */
    private static List<MtrrEvent> generated(GeneratorSpec spec) {
        EventCodec codec = new EventCodec();
        List<MtrrEvent> out = new ArrayList<>();
        for (Iterator<MtrrEvent> it = BootLogGenerator.iterator(spec); it.hasNext(); ) {
            out.add(codec.decode(codec.encode(it.next())));
        }
        return out;
    }

    /**
     * Folds {@code log} (each VM on partition hash % 4, offsets counted per partition) and digests every output;
     * at event {@code roundTripAt} every ledger is replaced by the decoding of its encoding.
     */
    private static String digest(List<MtrrEvent> log, int roundTripAt) {
        return digest(log, roundTripAt, 0, 0);
    }

    /**
     * As {@link #digest(List, int)}; with {@code every > 0}, events {@code i} with {@code i % every} in
     * [{@code skip}, {@code skip} + 50) are only folded, not projected nor digested, and with {@code roundTripAt}
     * -2 each VM's ledger goes through encode/decode after each such window.
     */
    private static String digest(List<MtrrEvent> log, int roundTripAt, int skip, int every) {
        Pipeline pipeline = new Pipeline(new PolicyProjection());
        Map<String, VmLedger> ledgers = new TreeMap<>();
        long[] offsets = new long[PARTITIONS];
        MessageDigest sha = sha256();
        ByteBuffer head = ByteBuffer.allocate(32);
        for (int i = 0; i < log.size(); i++) {
            if (i == roundTripAt) {
                ledgers.replaceAll((vm, l) -> VmLedger.decode(l.encode(), pipeline.projection()));
            }
            MtrrEvent e = log.get(i);
            String vm = e.getVm().toString();
            VmLedger ledger = ledgers.computeIfAbsent(vm, pipeline::newLedger);
            int phase = every > 0 ? i % every - skip : -1;
            if (phase >= 0 && phase < 50) {
                ledger.perVm().apply(ledger.vm(), Fold.apply(ledger.vm(), e));
                continue;
            }
            if (phase == 50 && roundTripAt == -2) {
                ledgers.replaceAll((name, l) -> VmLedger.decode(l.encode(), pipeline.projection()));
                ledger = ledgers.get(vm);
            }
            int partition = Math.floorMod(vm.hashCode(), PARTITIONS);
            Pipeline.Step st = pipeline.step(ledger, new EventRef("mtrr.events", partition, offsets[partition]++), e);
            byte[] outcome = WriteUtfOutcome.encode(st.fold().outcome()); // content, not the compact labels
            head.clear().putInt(i).putInt(st.fold().vcpu()).putInt(outcome.length).putInt(st.records().size());
            sha.update(head.flip());
            sha.update(outcome);
            for (ProjectionRecord r : st.records()) {
                head.clear().putInt(r.output()).putInt(r.policyId()).putInt(r.seq()).putInt(r.value().length);
                sha.update(head.flip());
                sha.update(r.value());
            }
            if (i % 997 == 996) {
                ledgerBytes(sha, ledger.encode());
            }
        }
        for (VmLedger l : ledgers.values()) {
            ledgerBytes(sha, l.encode());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void ledgerBytes(MessageDigest sha, byte[] encoded) {
        byte[] recorded = recordedLayout(encoded);
        sha.update(ByteBuffer.allocate(4).putInt(recorded.length).flip());
        sha.update(recorded);
    }

    /**
     * A ledger in the layout the digests were recorded in (store format 3), rebuilt from {@link VmLedger#encode()}:
     * there the per-VM copy sat inside the fold state, right after the VM's event count, and the fold state's format
     * byte was 1. Every other byte of today's encoding is in it, each where it was (its fold-state format byte is
     * checked here, and the copy's length is implied by where the bytes land), so the constants still pin the ledgers
     * exactly; re-record them (and drop this) only with a change of what a ledger holds.
     */
    private static byte[] recordedLayout(byte[] encoded) {
        ByteBuffer b = ByteBuffer.wrap(encoded);
        int partition = b.getInt();
        long lastOffset = b.getLong();
        byte[] fold = new byte[b.getInt()];
        b.get(fold);
        byte[] perVm = new byte[b.getInt()];
        b.get(perVm);
        byte[] projection = new byte[b.remaining()];
        b.get(projection);
        assertEquals(2, fold[0], "VmState's format: a new layout needs the digests re-recorded");
        // format (1) | VM id (writeUTF: 2-byte length, then the bytes) | settings (4) | DMA count (4) | events (8)
        int head = 1 + 2 + ((fold[1] & 0xFF) << 8 | fold[2] & 0xFF) + 4 + 4 + 8;
        return ByteBuffer.allocate(16 + fold.length + perVm.length + projection.length).putInt(partition)
                .putLong(lastOffset).putInt(fold.length + perVm.length).put((byte) 1).put(fold, 1, head - 1)
                .put(perVm).put(fold, head, fold.length - head).put(projection).array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
